using Sidecar.Common.Consul;
using Sidecar.Node.Storage;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Node.Coordination;

/// <summary>
/// Gets a version's database ready on this node without touching the live one: reuses a
/// complete local directory (the previous version kept for rollback, or one prepared before a
/// crash), else copies the snapshot from the registry, verifies its manifest and every checksum,
/// and ingests its SST files into a new version directory. A bad snapshot throws
/// <see cref="SnapshotInvalidException"/>: the reason of this node's NO vote.
/// </summary>
internal sealed class VersionPreparer
{
    private readonly VersionedStore _store;
    private readonly NodeConsul _consul;
    private readonly IHttpClientFactory _http;
    private readonly ILogger<VersionPreparer> _logger;

    public VersionPreparer(VersionedStore store, NodeConsul consul, IHttpClientFactory http, ILogger<VersionPreparer> logger)
    {
        _store = store;
        _consul = consul;
        _http = http;
        _logger = logger;
    }

    public async Task<StoreVersion> OpenAsync(string id, CancellationToken cancellationToken)
    {
        var path = _store.VersionPath(id);
        if (Directory.Exists(path) && (File.Exists(Path.Combine(path, VersionedStore.PreparedMarker)) || id == VersionedStore.InitialVersion))
        {
            _logger.LogInformation("Version {Version} is on disk already: reusing it", id);
            return _store.OpenVersion(id);
        }

        if (id == VersionedStore.InitialVersion)
        {
            // "initial" is the empty store fed by Kafka alone: nothing to fetch.
            return _store.OpenVersion(id);
        }

        var entryKey = _consul.Keys.Version(id);
        var entry = (await _consul.Rollout.Kv.GetAsync(entryKey, cancellationToken: cancellationToken)).Value
            ?? throw new SnapshotInvalidException($"version '{id}' is not in the registry index");
        var indexed = RolloutJson.Parse<VersionEntry>(entry.Value, entryKey);
        return await FetchAsync(indexed, cancellationToken);
    }

    private async Task<StoreVersion> FetchAsync(VersionEntry indexed, CancellationToken cancellationToken)
    {
        var (id, location) = (indexed.Version, indexed.Location);
        var staging = Path.Combine(_store.Root, "staging", $"{id}-{Guid.NewGuid():n}");
        try
        {
            if (HttpSnapshotRegistry.IsHttp(location))
            {
                using var http = _http.CreateClient(nameof(VersionPreparer));
                await HttpSnapshotRegistry.DownloadAsync(http, new Uri(location), staging, cancellationToken);
            }
            else
            {
                await Task.Run(() => Copy(location, staging), cancellationToken);
            }

            // The manifest must be the one published (its hash is in the index): a registry, HTTP
            // or a mount, is trusted for bytes only, and the manifest vouches for every other file.
            var manifestSha = FileHash.Sha256(Path.Combine(staging, SnapshotManifest.FileName));
            if (!string.Equals(manifestSha, indexed.ManifestSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new SnapshotInvalidException($"manifest.json from {location} is not the published one (SHA-256 {manifestSha}, the index has {indexed.ManifestSha256})");
            }

            return await Task.Run(() => Ingest(id, staging), cancellationToken);
        }
        catch (IOException e)
        {
            throw new SnapshotInvalidException($"could not copy the snapshot from {location}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new SnapshotInvalidException($"could not download the snapshot from {location}: {e.Message}");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                _store.TryDelete(staging);
            }
        }
    }

    private static void Copy(string location, string staging)
    {
        if (!Directory.Exists(location))
        {
            throw new SnapshotInvalidException($"registry location {location} does not exist");
        }

        SnapshotRegistry.CopyFiles(location, staging, SnapshotVerifier.ReadManifest(location));
    }

    /// <summary>
    /// Why a fetched snapshot of <paramref name="snapshot"/>'s layout may not become this dataset's
    /// version, or null. The configuration says the layout the dataset is meant to have, so a
    /// snapshot in another one is a build that forgot <c>--partitions</c> (or gave the wrong one):
    /// voted down, rather than silently moving every node to it. A version already on disk (a
    /// rollback to a retained one) is not fetched and not checked: it was this dataset's before.
    /// </summary>
    public static string? LayoutRefusal(string version, KeyLayout snapshot, KeyLayout configured) =>
        snapshot.Equals(configured)
            ? null
            : $"version {version} has the key layout {snapshot.Name}, and this dataset's nodes are configured for {configured.Name} (Partitions = {configured.Partitions}): "
                + $"build it with --partitions {configured.Partitions}, or set Partitions to {snapshot.Partitions} on every node first";

    private StoreVersion Ingest(string id, string staging)
    {
        var path = _store.VersionPath(id);
        try
        {
            // Verify the copy, not the source: what is checked is exactly what is ingested.
            var manifest = SnapshotVerifier.Verify(staging, id);
            if (LayoutRefusal(id, SnapshotVerifier.LayoutOf(manifest), _store.ConfiguredLayout) is { } refusal)
            {
                throw new SnapshotInvalidException(refusal);
            }

            if (Directory.Exists(path))
            {
                _store.TryDelete(path); // an interrupted earlier preparation
            }

            var version = _store.OpenVersion(id);
            try
            {
                var files = manifest.Files.Select(f => Path.Combine(staging, f.Name)).ToArray();
                version.Db.IngestExternalFiles(files, new RocksDbSharp.IngestExternalFileOptions().SetMoveFiles(true));
                var layout = version.ReadLayoutAgain();
                if (!layout.Equals(SnapshotVerifier.LayoutOf(manifest)))
                {
                    throw new SnapshotInvalidException($"the files hold the key layout {layout.Name}, the manifest says {SnapshotVerifier.LayoutOf(manifest).Name}");
                }

                File.WriteAllBytes(Path.Combine(path, VersionedStore.PreparedMarker), RolloutJson.Bytes(manifest));
                _logger.LogInformation("Ingested version {Version}: {Keys} users in {Files} files", id, manifest.KeyCount, files.Length);
                return version;
            }
            catch
            {
                version.Release();
                throw;
            }
        }
        catch (RocksDbSharp.RocksDbException e)
        {
            throw new SnapshotInvalidException($"RocksDB refused the snapshot files: {e.Message}");
        }
    }
}
