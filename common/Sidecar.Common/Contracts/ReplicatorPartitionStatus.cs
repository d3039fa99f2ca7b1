namespace Sidecar.Common.Contracts;

/// <summary>One mirrored partition in the replicator's <c>GET /admin/status</c> (its <c>partitions</c>).</summary>
/// <param name="Source">The source topic and partition, e.g. <c>updates [[3]]</c>.</param>
/// <param name="Remote">The target topic and partition, named after the origin: <c>dc-a.updates [[3]]</c>.</param>
/// <param name="Gap">Why the partition stopped or skipped (the source no longer holds its checkpoint); null when none.</param>
public sealed record ReplicatorPartitionStatus(string Source, string Remote, long LastAcked, string? Gap, double CheckpointAgeSeconds);
