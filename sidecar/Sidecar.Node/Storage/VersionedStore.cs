using Microsoft.Extensions.Options;
using RocksDbSharp;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Storage;

/// <summary>
/// The node's data root: one RocksDB directory per dataset version under <c>versions/</c>, a
/// <c>CURRENT</c> file naming the live one and <c>HISTORY</c> listing the versions that were live,
/// oldest first. Readers lease the live version; swapping it never closes a database under a
/// reader (the old one closes when its last lease is released). At most one version is open
/// beside the live one while a rollout prepares it; what that version is on its way to the swap
/// (catching up, dual apply, promotable) is <c>Versions/VersionSwap</c>'s business, which
/// alone places, promotes and discards it.
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
    private StoreVersion? _beside;

    // Versions let go of (swapped out or discarded) whose database may still be open under a lease.
    private readonly List<StoreVersion> _closing = [];
    private volatile bool _disposed;

    public VersionedStore(IOptions<NodeOptions> node, IOptions<StoreOptions> options, BlockCache blockCache, ILogger<VersionedStore> logger)
    {
        _root = Path.GetFullPath(node.Value.DataRoot);
        _options = options.Value;
        _logger = logger;
        _blockCache = blockCache.Cache;
        var id = ReadCurrent() ?? InitialVersion;
        _live = StoreVersion.Open(id, VersionPath(id), _options, _blockCache, LayoutForNew(id));
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

    /// <summary>Leases the live version and, if one is beside it, that one, as one consistent pair
    /// (a swap cannot happen between the two).</summary>
    public (StoreLease Live, StoreLease? Beside) AcquirePair()
    {
        lock (_lock)
        {
            var live = Acquire();
            var beside = _beside;
            return beside is not null && beside.TryAcquire()
                ? (live, new StoreLease(beside))
                : (live, null);
        }
    }

    /// <summary>Opens (creating if needed) a version directory that is not live, to prepare it.</summary>
    public StoreVersion OpenVersion(string id)
    {
        lock (_lock)
        {
            if (id == _live.Id || id == _beside?.Id)
            {
                throw new InvalidOperationException($"version {id} is already open");
            }
        }

        return StoreVersion.Open(id, VersionPath(id), _options, _blockCache, LayoutForNew(id));
    }

    /// <summary>The key layout the dataset's configuration asks for (<c>Partitions</c>): what a new
    /// empty version gets, and what a snapshot fetched for a rollout must have.</summary>
    public KeyLayout ConfiguredLayout => _options.Layout;

    /// <summary>The configured layout goes to the one version created empty, the Kafka-fed
    /// "initial"; any other gets its layout from the snapshot files ingested into it.</summary>
    private KeyLayout? LayoutForNew(string id) => id == InitialVersion ? _options.Layout : null;

    /// <summary>Places a prepared version beside the live one (kept by <see cref="Prune"/>, leased with
    /// the live one by <see cref="AcquirePair"/>).</summary>
    public void Place(StoreVersion version)
    {
        lock (_lock)
        {
            if (_beside is not null)
            {
                throw new InvalidOperationException($"version {_beside.Id} is already staged");
            }

            _beside = version;
        }
    }

    /// <summary>The pointer swap: makes the version beside the live one live (its owner checked that it
    /// applies every batch already); the old one closes once its last reader is done and stays on
    /// disk for a rollback.</summary>
    public void Promote(StoreVersion version)
    {
        StoreVersion old;
        lock (_lock)
        {
            if (_beside != version)
            {
                throw new InvalidOperationException($"version {version.Id} is not staged");
            }

            old = _live;
            WriteCurrent(version.Id);
            Volatile.Write(ref _live, version);
            _beside = null;
            _closing.Add(old);
        }

        old.Release();
        _logger.LogInformation("Version {Version} is live (was {Old})", version.Id, old.Id);
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
            if (_beside == version)
            {
                _beside = null;
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
            if (_beside is not null)
            {
                keep.Add(_beside.Id);
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
                _beside?.Release();
                _beside = null;
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
