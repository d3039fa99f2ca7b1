using System.Text.Json.Serialization;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// <c>manifest.json</c> of a snapshot: what a node checks before it ingests anything.
/// <see cref="Offsets"/> maps "&lt;origin dc&gt;:&lt;partition&gt;" to the highest origin offset whose
/// update the snapshot already includes; a node catches the snapshot up from Kafka past them.
/// <see cref="Layout"/> names the files' <see cref="KeyLayout"/>: absent in format 1 (flat, what
/// every snapshot was before layouts), set in format 2, which a node that predates layouts
/// refuses instead of misreading its keys.
/// </summary>
public sealed record SnapshotManifest(
    int FormatVersion,
    string Version,
    DateTimeOffset CreatedAt,
    long KeyCount,
    IReadOnlyList<SnapshotFile> Files,
    IReadOnlyDictionary<string, long> Offsets,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Layout = null)
{
    public const string FileName = "manifest.json";

    /// <summary>StoreKeys' keys in the flat layout, UserState protobuf values.</summary>
    public const int FlatFormat = 1;

    /// <summary>As <see cref="FlatFormat"/>, with the user keys in the layout <see cref="Layout"/> names.</summary>
    public const int LayoutFormat = 2;

    /// <summary>The manifest of new files: format 1 for the flat layout (readable by every node), 2 otherwise.</summary>
    public static SnapshotManifest Create(string version, DateTimeOffset createdAt, long keyCount, IReadOnlyList<SnapshotFile> files, IReadOnlyDictionary<string, long> offsets, KeyLayout layout) =>
        layout.IsPartitioned
            ? new(LayoutFormat, version, createdAt, keyCount, files, offsets, layout.Name)
            : new(FlatFormat, version, createdAt, keyCount, files, offsets);
}

/// <summary>One SST file of a snapshot with its SHA-256 (lowercase hex) and size.</summary>
public sealed record SnapshotFile(string Name, string Sha256, long Bytes);
