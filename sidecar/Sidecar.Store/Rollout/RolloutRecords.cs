namespace Sidecar.Store.Rollout;

// The JSON values stored under the rollout keys (see RolloutKeys). Small immutable records:
// every writer creates a whole value, every reader parses a whole value.

/// <summary>A published version in the registry index (<c>versions/&lt;id&gt;</c>).</summary>
public sealed record VersionEntry(string Version, string Location, long KeyCount, string ManifestSha256, DateTimeOffset PublishedAt);

/// <summary>What the CLI asks for (<c>rollout/request</c>); the leader turns it into a round.</summary>
public sealed record RolloutRequest(string Id, string Version, string Scope, double DeadlineSeconds, DateTimeOffset RequestedAt, string RequestedBy)
{
    public const string ScopeDatacenter = "dc";
    public const string ScopeGlobal = "global";
}

/// <summary>One participant of a round.</summary>
public sealed record Participant(string Node, string Datacenter);

/// <summary>A round's proposal: fixed once written.</summary>
public sealed record Proposal(
    ulong Round,
    string RequestId,
    string Version,
    string Location,
    string Scope,
    IReadOnlyList<Participant> Participants,
    DateTimeOffset Deadline,
    string Coordinator,
    DateTimeOffset ProposedAt,
    string? Previous,
    ulong CurrentIndex);

/// <summary>A participant's vote, held by its session: it disappears (loses its session) if the voter dies.</summary>
public sealed record Vote(string Node, bool Yes, string? Reason, DateTimeOffset At, double PrepareSeconds);

/// <summary>The outcome of a round, written once.</summary>
public sealed record Decision(string Outcome, string? Reason, string Version, DateTimeOffset At)
{
    public const string Commit = "commit";
    public const string Abort = "abort";

    public bool Committed => Outcome == Commit;
}

/// <summary>A participant's acknowledgement that it applied the decision.</summary>
public sealed record Ack(string Node, string Outcome, string Version, DateTimeOffset At);

/// <summary>The committed version (<c>rollout/current</c>).</summary>
public sealed record CurrentVersion(string Version, string? Previous, ulong Round, DateTimeOffset CommittedAt);
