namespace Sidecar.Store.Snapshots;

/// <summary>How far a long snapshot step is: <paramref name="Stage"/> ("reading", "writing",
/// "verifying", "copying"), <paramref name="Done"/> of <paramref name="Total"/> (bytes or users).</summary>
public sealed record SnapshotProgress(string Stage, long Done, long Total);
