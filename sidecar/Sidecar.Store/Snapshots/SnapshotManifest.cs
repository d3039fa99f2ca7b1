namespace Sidecar.Store.Snapshots;

/// <summary>
/// <c>manifest.json</c> of a snapshot: what a node checks before it ingests anything.
/// <see cref="Offsets"/> maps "&lt;origin dc&gt;:&lt;partition&gt;" to the highest origin offset whose
/// update the snapshot already includes; a node catches the snapshot up from Kafka past them.
/// </summary>
public sealed record SnapshotManifest(
    int FormatVersion,
    string Version,
    DateTimeOffset CreatedAt,
    long KeyCount,
    IReadOnlyList<SnapshotFile> Files,
    IReadOnlyDictionary<string, long> Offsets)
{
    public const string FileName = "manifest.json";

    /// <summary>The layout this code writes and reads: StoreKeys' keys, UserState protobuf values.</summary>
    public const int CurrentFormat = 1;
}

/// <summary>One SST file of a snapshot with its SHA-256 (lowercase hex) and size.</summary>
public sealed record SnapshotFile(string Name, string Sha256, long Bytes);
