namespace Sidecar.Common.Contracts;

/// <summary>
/// The replicator's <c>GET /admin/status</c>: which direction it mirrors (from its configuration,
/// so it is known before any partition is assigned) and the partitions it mirrors now.
/// </summary>
/// <param name="Source">The datacenter whose own topics it reads, e.g. <c>dc-a</c>.</param>
/// <param name="Target">The datacenter it writes the mirrored topics to, e.g. <c>dc-b</c>.</param>
/// <param name="Topics">The source topics it mirrors (origin topics only).</param>
/// <param name="Partitions">The partitions this instance owns now; empty before an assignment.</param>
public sealed record ReplicatorStatus(string Source, string Target, IReadOnlyList<string> Topics, IReadOnlyList<ReplicatorPartitionStatus> Partitions);
