namespace Sidecar.Store.Snapshots;

/// <summary>A snapshot that must not be loaded: missing or unreadable manifest, wrong format, bad checksum.
/// Its message is the reason a node gives with its NO vote.</summary>
public sealed class SnapshotInvalidException(string message) : Exception(message);
