using System.Net;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// A registry at an http(s) location: <c>&lt;registry&gt;/&lt;version&gt;/manifest.json</c> and the
/// files it names. Nodes download a version into their own staging directory and verify the copy
/// exactly as they verify one copied from a directory registry. Publishing PUTs every file and
/// the manifest last; <c>sidecarctl registry serve</c> verifies the whole upload when the manifest
/// arrives and only then makes the version visible (the same all-or-nothing as a directory).
/// </summary>
public static class HttpSnapshotRegistry
{
    public static bool IsHttp(string location) =>
        location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A version's location under a registry URL (always ends with '/').</summary>
    public static Uri VersionLocation(Uri registry, string version) => new(Directory(registry), Uri.EscapeDataString(version) + "/");

    /// <summary>Downloads the manifest and every file it names into <paramref name="target"/> (created).
    /// Nothing is verified here: the caller verifies the copy.</summary>
    public static async Task DownloadAsync(HttpClient http, Uri location, string target, CancellationToken cancellationToken)
    {
        location = Directory(location);
        System.IO.Directory.CreateDirectory(target);
        var manifestPath = Path.Combine(target, SnapshotManifest.FileName);
        await GetFileAsync(http, new Uri(location, SnapshotManifest.FileName), manifestPath, cancellationToken);
        var manifest = SnapshotVerifier.ReadManifest(target);
        foreach (var file in manifest.Files)
        {
            if (Path.GetFileName(file.Name) != file.Name)
            {
                throw new SnapshotInvalidException($"the manifest names a file outside the snapshot: {file.Name}");
            }

            await GetFileAsync(http, new Uri(location, Uri.EscapeDataString(file.Name)), Path.Combine(target, file.Name), cancellationToken);
        }
    }

    /// <summary>Publishes a verified local snapshot: PUTs its files, then its manifest (which commits it).
    /// Returns the version's location and manifest, and the manifest's SHA-256.</summary>
    public static async Task<(string Location, SnapshotManifest Manifest, string ManifestSha256)> PublishAsync(
        HttpClient http, string source, Uri registry, CancellationToken cancellationToken)
    {
        var manifest = SnapshotVerifier.Verify(source);
        var location = VersionLocation(registry, manifest.Version);
        foreach (var name in manifest.Files.Select(f => f.Name).Append(SnapshotManifest.FileName))
        {
            await using var stream = File.OpenRead(Path.Combine(source, name));
            using var content = new StreamContent(stream);
            using var response = await http.PutAsync(new Uri(location, Uri.EscapeDataString(name)), content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new IOException($"the registry refused {name} of {manifest.Version}: {(int)response.StatusCode} {body}");
            }
        }

        return (location.ToString(), manifest, FileHash.Sha256(Path.Combine(source, SnapshotManifest.FileName)));
    }

    private static async Task GetFileAsync(HttpClient http, Uri uri, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new SnapshotInvalidException($"the registry has no {uri}");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"GET {uri}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file, cancellationToken);
    }

    private static Uri Directory(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
