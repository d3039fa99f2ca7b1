namespace Sidecar.Store.Snapshots;

/// <summary>
/// A directory registry of versions (<c>&lt;registry&gt;/&lt;version&gt;/</c>: SST files and manifest),
/// on a path every node can read (a shared mount). Writes go to a temporary sibling first and are
/// renamed into place only once the copy verified, so a reader never sees half a version.
/// </summary>
public static class SnapshotRegistry
{
    /// <summary>Copies a verified snapshot into the registry; returns where it lives and its manifest.
    /// Publishing the same snapshot again is a no-op; a different one under the same id is refused.</summary>
    public static (string Location, SnapshotManifest Manifest, string ManifestSha256) Publish(string source, string registry, IProgress<SnapshotProgress>? progress = null)
    {
        progress?.Report(new SnapshotProgress("verifying", 0, 1));
        var manifest = SnapshotVerifier.Verify(source);
        var target = Path.GetFullPath(Path.Combine(registry, manifest.Version));
        var sourceSha = FileHash.Sha256(Path.Combine(source, SnapshotManifest.FileName));
        if (Directory.Exists(target))
        {
            var existing = Path.Combine(target, SnapshotManifest.FileName);
            if (File.Exists(existing) && FileHash.Sha256(existing) == sourceSha)
            {
                return (target, manifest, sourceSha);
            }

            throw new IOException($"{target} already holds a different snapshot of version '{manifest.Version}'; versions are immutable, build a new id");
        }

        var temp = target + ".partial-" + Guid.NewGuid().ToString("n")[..8];
        CopyFiles(source, temp, manifest, progress);
        try
        {
            progress?.Report(new SnapshotProgress("verifying", 0, 1));
            SnapshotVerifier.Verify(temp, manifest.Version);
            progress?.Report(new SnapshotProgress("verifying", 1, 1));
            Directory.Move(temp, target);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }

        return (target, manifest, sourceSha);
    }

    /// <summary>Copies a snapshot's manifest and files (nothing else) into a new directory.</summary>
    public static void CopyFiles(string source, string target, SnapshotManifest manifest, IProgress<SnapshotProgress>? progress = null)
    {
        Directory.CreateDirectory(target);
        long copied = 0, total = manifest.Files.Sum(f => f.Bytes);
        foreach (var file in manifest.Files)
        {
            progress?.Report(new SnapshotProgress("copying", copied, total));
            File.Copy(Path.Combine(source, file.Name), Path.Combine(target, file.Name), overwrite: true);
            copied += file.Bytes;
        }

        progress?.Report(new SnapshotProgress("copying", total, total));

        File.Copy(Path.Combine(source, SnapshotManifest.FileName), Path.Combine(target, SnapshotManifest.FileName), overwrite: true);
    }
}
