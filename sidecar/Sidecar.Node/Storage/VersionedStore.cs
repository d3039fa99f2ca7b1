using Microsoft.Extensions.Options;
using RocksDbSharp;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Storage;

/// <summary>
/// The node's data root: one RocksDB directory per dataset version under <c>versions/</c>, and a
/// <c>CURRENT</c> file naming the live one. Readers lease the live version; swapping it never
/// closes a database under a reader.
/// </summary>
internal sealed class VersionedStore : IDisposable
{
    public const string InitialVersion = "initial";

    private readonly string _root;
    private readonly StoreOptions _options;
    private readonly Cache _blockCache;
    private StoreVersion _live;
    private volatile bool _disposed;

    public VersionedStore(IOptions<NodeOptions> node, IOptions<StoreOptions> options, ILogger<VersionedStore> logger)
    {
        _root = Path.GetFullPath(node.Value.DataRoot);
        _options = options.Value;
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

    public string LiveVersionId => Volatile.Read(ref _live).Id;

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

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Volatile.Read(ref _live).Release();
        }
    }

    private string VersionPath(string id) => Path.Combine(_root, "versions", id);

    private string? ReadCurrent()
    {
        var path = Path.Combine(_root, "CURRENT");
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private void WriteCurrent(string id)
    {
        Directory.CreateDirectory(_root);
        var temp = Path.Combine(_root, "CURRENT.tmp");
        File.WriteAllText(temp, id);
        File.Move(temp, Path.Combine(_root, "CURRENT"), overwrite: true);
    }
}
