namespace Sidecar.Common.Contracts;

/// <summary>The node's ingest rules in <c>GET /admin/status</c> (null there when <c>Rules:File</c> is not set).</summary>
/// <param name="File">The rules file the node watches.</param>
/// <param name="Hash">The loaded file's hash (16 hex characters of SHA-256); null before a good file was loaded.</param>
/// <param name="LoadedAt">When the rules in force were loaded.</param>
/// <param name="LastError">Why the newest version of the file was refused (every problem, one per line); null when it is in force.</param>
/// <param name="GroupId">The consumer group the datacenter's nodes share for the source topics.</param>
/// <param name="SourceLag">Events not yet mapped per source partition this node owns, keyed <c>&lt;topic&gt;:&lt;partition&gt;</c>.</param>
/// <param name="Skipped">Events no rule took, since the node started.</param>
public sealed record RulesStatus(
    string File,
    string? Hash,
    DateTimeOffset? LoadedAt,
    string? LastError,
    string GroupId,
    IReadOnlyList<RuleStatus> Rules,
    Dictionary<string, long> SourceLag,
    long Skipped);

/// <summary>One rule's counts since the node started, and its rate over the last few seconds.</summary>
public sealed record RuleStatus(
    string Name,
    IReadOnlyList<string> Topics,
    long Matched,
    long Ops,
    long DeadLettered,
    double MatchedPerSecond);
