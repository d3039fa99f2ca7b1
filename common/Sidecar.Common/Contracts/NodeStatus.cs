namespace Sidecar.Common.Contracts;

/// <summary>The node's <c>GET /admin/status</c>: what it serves and how far its ingest has applied.</summary>
/// <param name="Rules">The ingest rules, when the node runs them (<c>Rules:File</c>).</param>
/// <param name="Dataset">The dataset this status is of (<c>?dataset=</c>); <paramref name="Datasets"/> names every dataset the node serves.</param>
/// <param name="Positions">Next offset to apply per consumed partition, keyed <c>&lt;topic&gt;:&lt;partition&gt;</c>.</param>
public sealed record NodeStatus(
    string NodeId,
    string Datacenter,
    string Version,
    bool CaughtUp,
    long Lag,
    int AssignedPartitions,
    string? LastError,
    Dictionary<string, long> Positions,
    RulesStatus? Rules = null,
    string Dataset = DatasetName.Default,
    IReadOnlyList<string>? Datasets = null);
