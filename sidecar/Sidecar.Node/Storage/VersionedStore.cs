using Microsoft.Extensions.Options;
using RocksDbSharp;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Storage;

/// <summary>
/// The node's data root: one RocksDB directory per dataset version under <c>versions/</c>, a
/// <c>CURRENT</c> file naming the live one and <c>HISTORY</c> listing the versions that were live,
/// oldest first. Readers lease the live version; swapping it never closes a database under a
/// reader (the old one closes when its last lease is released). At most one version is staged
/// beside the live one while a rollout prepares it.
/// </summary>
internal sealed class VersionedStore : IDisposable
{
    public const string InitialVersion = Sidecar.Store.VersionNames.Initial;

    /// <summary>Written into a version directory once its snapshot files are ingested: a directory
    /// without it is an interrupted preparation and is never used.</summary>
    public const string PreparedMarker = "SIDECAR_PREPARED";

    private readonly string _root;
    private readonly StoreOptions _options;
    private readonly Cache _blockCache;
    private readonly ILogger<VersionedStore> _logger;
    private readonly Lock _lock = new();
    private StoreVersion _live;
    private StagedVersion? _staged;

    // Versions let go of (swapped out or discarded) whose database may still be open under a lease.
    private readonly List<StoreVersion> _closing = [];
    private volatile bool _disposed;

    public VersionedStore(IOptions<NodeOptions> node, IOptions<StoreOptions> options, ILogger<VersionedStore> logger)
    {
        _root = Path.GetFullPath(node.Value.DataRoot);
        _options = options.Value;
        _logger = logger;
        _blockCache = Cache.CreateLru((ulong)_options.BlockCacheMb << 20);
        var id = ReadCurrent() ?? InitialVersion;
        _live = StoreVersion.Open(id, VersionPath(id), _options, _blockCache);
        WriteCurrent(id);
        logger.LogInformation("Opened dataset version {Version} at {Path}", id, _live.Path);
    }

    /// <summary>Deletes every version under a data root (used when the log it was built from is gone).</summary>
    public static void Clear(string dataRoot, ILogger logger)
    {
        var root = Path.GetFullPath(dataRoot);
        if (Directory.Exists(root))
        {
            logger.LogWarning("Clearing {Root}: its data came from a Kafka log that no longer exists", root);
            Directory.Delete(root, recursive: true);
        }
    }

    public string Root => _root;

    public string LiveVersionId => Volatile.Read(ref _live).Id;

    public StagedVersion? Staged => Volatile.Read(ref _staged);

    public string VersionPath(string id) => Path.Combine(_root, "versions", id);

    /// <summary>Leases the live version for a read or a write batch.</summary>
    public StoreLease Acquire()
    {
        while (true)
        {
            var version = Volatile.Read(ref _live);
            if (version.TryAcquire())
            {
                return new StoreLease(version);
            }

            // Lost a race with a swap (the new live version is already published) or with shutdown.
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    /// <summary>Leases the live version and, if one is staged, the staged one, as one consistent pair
    /// (a swap cannot happen between the two).</summary>
    public (StoreLease Live, StagedVersion? Staged, StoreLease? StagedLease) AcquireForIngest()
    {
        lock (_lock)
        {
            var live = Acquire();
            var staged = _staged;
            return staged is not null && staged.Version.TryAcquire()
                ? (live, staged, new StoreLease(staged.Version))
                : (live, null, null);
        }
    }

    /// <summary>Opens (creating if needed) a version directory that is not live, to prepare it.</summary>
    public StoreVersion OpenVersion(string id)
    {
        lock (_lock)
        {
            if (id == _live.Id || id == _staged?.Version.Id)
            {
                throw new InvalidOperationException($"version {id} is already open");
            }
        }

        return StoreVersion.Open(id, VersionPath(id), _options, _blockCache);
    }

    /// <summary>Hands a prepared version to ingest, which catches it up and then applies to both.</summary>
    public StagedVersion Stage(StoreVersion version)
    {
        lock (_lock)
        {
            if (_staged is not null)
            {
                throw new InvalidOperationException($"version {_staged.Version.Id} is already staged");
            }

            var staged = new StagedVersion(version);
            Volatile.Write(ref _staged, staged);
            return staged;
        }
    }

    /// <summary>Makes the staged version live (it must be applying every batch already); the old one
    /// closes once its last reader is done and stays on disk for a rollback.</summary>
    public void Promote(string id)
    {
        StoreVersion old;
        lock (_lock)
        {
            if (_staged is not { Dual: true } staged || staged.Version.Id != id)
            {
                throw new InvalidOperationException($"version {id} is not staged and caught up");
            }

            old = _live;
            WriteCurrent(id);
            Volatile.Write(ref _live, staged.Version);
            Volatile.Write(ref _staged, null);
            _closing.Add(old);
        }

        old.Release();
        _logger.LogInformation("Version {Version} is live (was {Old})", id, old.Id);
    }

    /// <summary>Makes a version live before ingest has started (a node joining at the committed version).</summary>
    public void Adopt(StoreVersion version)
    {
        StoreVersion old;
        lock (_lock)
        {
            old = _live;
            WriteCurrent(version.Id);
            Volatile.Write(ref _live, version);
        }

        old.Release();
        _logger.LogInformation("Adopted version {Version} at start-up (was {Old})", version.Id, old.Id);
    }

    /// <summary>Drops the staged version (a round aborted, or its preparation failed).</summary>
    public void Discard(StoreVersion version)
    {
        lock (_lock)
        {
            if (_staged?.Version == version)
            {
                _staged.Fail(new OperationCanceledException($"version {version.Id} was discarded"));
                Volatile.Write(ref _staged, null);
            }

            _closing.Add(version);
        }

        version.Release();
        _logger.LogInformation("Discarded staged version {Version}", version.Id);
    }

    /// <summary>
    /// Deletes version directories other than the live one, the staged one and the
    /// <paramref name="retain"/> most recent earlier live ones (kept for a rollback).
    /// </summary>
    public void Prune(int retain)
    {
        var versions = Path.Combine(_root, "versions");
        if (!Directory.Exists(versions))
        {
            return;
        }

        HashSet<string> keep;
        lock (_lock)
        {
            var history = ReadHistory();
            keep = [_live.Id, .. history.Where(h => h != _live.Id).TakeLast(retain)];
            if (_staged is not null)
            {
                keep.Add(_staged.Version.Id);
            }

            // Never delete files under an open database (a reader or a batch still holds it).
            _closing.RemoveAll(v => v.IsClosed);
            keep.UnionWith(_closing.Select(v => v.Id));
        }

        foreach (var dir in Directory.EnumerateDirectories(versions))
        {
            var id = Path.GetFileName(dir);
            if (!keep.Contains(id))
            {
                TryDelete(dir);
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            lock (_lock)
            {
                _staged?.Fail(new ObjectDisposedException(nameof(VersionedStore)));
                _staged?.Version.Release();
                _staged = null;
            }

            Volatile.Read(ref _live).Release();
        }
    }

    public void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
            _logger.LogInformation("Deleted {Dir}", dir);
        }
        catch (IOException e)
        {
            _logger.LogWarning("Could not delete {Dir}: {Error}", dir, e.Message);
        }
    }

    private string? ReadCurrent()
    {
        var path = Path.Combine(_root, "CURRENT");
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private List<string> ReadHistory()
    {
        var path = Path.Combine(_root, "HISTORY");
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    private void WriteCurrent(string id)
    {
        Directory.CreateDirectory(_root);
        var history = ReadHistory();
        if (history.LastOrDefault() != id)
        {
            history.Remove(id);
            history.Add(id);
            WriteAtomically("HISTORY", string.Join('\n', history.TakeLast(50)) + "\n");
        }

        WriteAtomically("CURRENT", id);
    }

    private void WriteAtomically(string name, string text)
    {
        var temp = Path.Combine(_root, name + ".tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, Path.Combine(_root, name), overwrite: true);
    }
}
