using Sidecar.Store.Rollout;

namespace Sidecar.Store.Snapshots;

/// <summary>Checks a snapshot directory against its manifest before anything of it is used.</summary>
public static class SnapshotVerifier
{
    /// <summary>The manifest, once every check passed; otherwise <see cref="SnapshotInvalidException"/> with the reason.</summary>
    public static SnapshotManifest Verify(string directory, string? expectedVersion = null)
    {
        var manifest = ReadManifest(directory);
        _ = LayoutOf(manifest);

        if (VersionNames.Check(manifest.Version) is { } bad)
        {
            throw new SnapshotInvalidException(bad);
        }

        if (expectedVersion is not null && manifest.Version != expectedVersion)
        {
            throw new SnapshotInvalidException($"the manifest is of version '{manifest.Version}', not '{expectedVersion}'");
        }

        if (manifest.Files.Count == 0)
        {
            throw new SnapshotInvalidException("the manifest lists no files");
        }

        foreach (var file in manifest.Files)
        {
            if (Path.GetFileName(file.Name) != file.Name || !file.Name.EndsWith(".sst", StringComparison.Ordinal))
            {
                throw new SnapshotInvalidException($"file name '{file.Name}' is not a plain .sst file name");
            }

            var path = Path.Combine(directory, file.Name);
            if (!File.Exists(path))
            {
                throw new SnapshotInvalidException($"{file.Name} is missing");
            }

            var length = new FileInfo(path).Length;
            if (length != file.Bytes)
            {
                throw new SnapshotInvalidException($"{file.Name} has {length} bytes, the manifest says {file.Bytes}");
            }

            var sha = FileHash.Sha256(path);
            if (sha != file.Sha256)
            {
                throw new SnapshotInvalidException($"checksum mismatch in {file.Name}: SHA-256 {sha}, the manifest says {file.Sha256}");
            }
        }

        return manifest;
    }

    /// <summary>The key layout of a manifest's files; a format or layout this node does not read is refused.</summary>
    public static KeyLayout LayoutOf(SnapshotManifest manifest)
    {
        switch (manifest.FormatVersion)
        {
            case SnapshotManifest.FlatFormat when manifest.Layout is null:
                return KeyLayout.Flat;
            case SnapshotManifest.FlatFormat:
                throw new SnapshotInvalidException($"a format {SnapshotManifest.FlatFormat} manifest has no layout, this one says '{manifest.Layout}'");
            case SnapshotManifest.LayoutFormat:
                return KeyLayout.Parse(manifest.Layout ?? "", out var problem) ?? throw new SnapshotInvalidException(problem!);
            default:
                throw new SnapshotInvalidException($"format version {manifest.FormatVersion} is not supported (this node reads {SnapshotManifest.FlatFormat} and {SnapshotManifest.LayoutFormat})");
        }
    }

    public static SnapshotManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, SnapshotManifest.FileName);
        if (!File.Exists(path))
        {
            throw new SnapshotInvalidException($"no {SnapshotManifest.FileName} in {directory}");
        }

        try
        {
            return RolloutJson.Parse<SnapshotManifest>(File.ReadAllBytes(path), path);
        }
        catch (InvalidDataException e)
        {
            throw new SnapshotInvalidException(e.Message);
        }
    }
}
