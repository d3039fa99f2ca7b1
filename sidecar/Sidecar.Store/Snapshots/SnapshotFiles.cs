using Microsoft.AspNetCore.Http;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// A snapshot's files served in the HTTP registry's layout (<c>GET &lt;version&gt;/&lt;file&gt;</c>),
/// by the CLI's registry (<c>sidecarctl registry serve</c>) and by the node's checkpoints
/// (<c>GET /admin/checkpoints/&lt;version&gt;/&lt;file&gt;</c>): one file-name rule and one way to
/// stream a file, so <see cref="HttpSnapshotRegistry"/> downloads from either alike. Each caller
/// keeps its own answers for a refused or missing file.
/// </summary>
public static class SnapshotFiles
{
    /// <summary>Why <paramref name="version"/> and <paramref name="file"/> cannot name a snapshot's
    /// file (a bad version id, a path, a hidden file), or null.</summary>
    public static string? Refusal(string version, string file) =>
        VersionNames.Check(version) ?? (Path.GetFileName(file) != file || file.StartsWith('.') ? $"'{file}' is not a snapshot file name" : null);

    /// <summary>
    /// <c>root/version/file</c> streamed from disk (the manifest as JSON, SST files as bytes), or
    /// <paramref name="missing"/>'s answer when there is no such file. For names that
    /// <see cref="Refusal"/> accepted.
    /// </summary>
    public static IResult Serve(string root, string version, string file, Func<IResult> missing)
    {
        var path = Path.Combine(root, version, file);
        return File.Exists(path)
            ? Results.File(path, file == SnapshotManifest.FileName ? "application/json" : "application/octet-stream")
            : missing();
    }
}
