using RocksDbSharp;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Storage;

/// <summary>
/// One open dataset version: a RocksDB directory. Reference counted because closing a RocksDB
/// while a read is in flight crashes the process: the owner holds one reference, each reader a
/// lease, and the database closes when the last one is released.
/// </summary>
internal sealed class StoreVersion
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _references = 1;

    private StoreVersion(string id, string path, RocksDb db, int cacheEntries)
    {
        Id = id;
        Path = path;
        Db = db;
        Cache = new UserCache(cacheEntries);
        Layout = KeyLayout.Read(db);
    }

    public string Id { get; }

    public string Path { get; }

    public RocksDb Db { get; }

    /// <summary>How this version's user keys are laid out: what its database records, never the
    /// configuration (a version keeps the layout it was created or ingested with).</summary>
    public KeyLayout Layout { get; private set; }

    /// <summary>The rendered JSON of this version's recently read users.</summary>
    public UserCache Cache { get; }

    /// <summary>True once the last reference is released and the database is closed: only then may its directory go.</summary>
    public bool IsClosed => _closed.Task.IsCompleted;

    /// <param name="forNew">The layout a version that does not exist yet starts with (an empty
    /// version fed by Kafka); an existing one, or one about to ingest a snapshot's files, keeps
    /// or gets its own.</param>
    public static StoreVersion Open(string id, string path, StoreOptions options, Cache blockCache, KeyLayout? forNew = null)
    {
        var isNew = !Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any();
        Directory.CreateDirectory(path);
        // The same table settings as snapshot SST files, so ingested files read like compacted ones.
        var table = Sidecar.Store.Snapshots.SstFormat.Table(options.BloomBitsPerKey, blockCache);
        var db = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetWriteBufferSize((ulong)options.WriteBufferMb << 20)
            .SetCompression(Compression.Lz4)
            .SetBlockBasedTableFactory(table);
        var rocks = RocksDb.Open(db, path);
        try
        {
            if (isNew)
            {
                forNew?.WriteTo(rocks);
            }

            return new StoreVersion(id, path, rocks, options.ReadCacheEntries);
        }
        catch
        {
            rocks.Dispose();
            throw;
        }
    }

    /// <summary>Reads the layout again after snapshot files were ingested (they carry their own),
    /// before the version is used.</summary>
    public KeyLayout ReadLayoutAgain() => Layout = KeyLayout.Read(Db);

    /// <summary>Takes a reader's reference; false once the version has closed.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Db.Dispose();
            _closed.TrySetResult();
        }
    }
}
