using System.ComponentModel.DataAnnotations;

namespace Sidecar.Node.Configuration;

/// <summary>RocksDB tuning. Section "Store".</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    [Range(8, 1_048_576)]
    public int BlockCacheMb { get; set; } = 256;

    [Range(1, 64)]
    public int BloomBitsPerKey { get; set; } = 10;

    [Range(1, 4096)]
    public int WriteBufferMb { get; set; } = 64;

    /// <summary>Items kept per list (a push's "max" may not exceed it).</summary>
    [Range(1, 10_000)]
    public int ListCap { get; set; } = 100;

    /// <summary>Users whose rendered JSON is kept per version for reads (the document's size
    /// each); 0 turns the cache off.</summary>
    [Range(0, 10_000_000)]
    public int ReadCacheEntries { get; set; } = 100_000;

    /// <summary>How long a user's state remembers the ids of the requests it applied, measured
    /// back from its newest request's stamp: a retry or a second copy of a request within it
    /// counts once. Make it longer than a client retries and than replication can be away.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RequestWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Request ids a user's state remembers at most (the newest) among those older than
    /// <see cref="RequestRetryWindow"/>: bounds the memory of a user written very often. Such a
    /// request, older than this many newer ones, counts again if a copy of it comes.</summary>
    [Range(1, 10_000)]
    public int RequestsPerUser { get; set; } = 64;

    /// <summary>Requests this close to a user's newest one are remembered however many there are
    /// (within <see cref="RequestWindow"/>): a copy or a retry arriving within it counts once on
    /// every node, whatever batches the records were applied in. Make it longer than a client
    /// keeps retrying. Memory: a user's request rate times this, about 43 bytes each.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RequestRetryWindow { get; set; } = TimeSpan.FromMinutes(5);

    internal Merge.RequestWindow Window => new(RequestWindow, RequestsPerUser, RequestRetryWindow);

    /// <summary>List items and fields older than this, by their stamps, are gone: hidden from
    /// reads at once and removed from disk on the user's next write or by the background sweep.
    /// Counters do not expire by item. Unset: nothing expires (docs/datasets.md, Expiry).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan? ItemTtl { get; set; }

    /// <summary>A user none of whose ops is newer than this is hidden from reads (404) and left
    /// out of the next snapshot built from a checkpoint. Unset: users never expire.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan? Ttl { get; set; }

    /// <summary>How often the background sweep walks the live version to remove expired entries
    /// of users not written since they expired (only with <see cref="ItemTtl"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    internal Merge.Expiry Expiry => new(ItemTtl, Ttl);

    /// <summary>The Kafka partitions a new version groups its user keys by (docs/architecture.md,
    /// Key layout): set it to the update topic's partition count so that one partition's users
    /// can later be copied, checked and dropped alone. 0, the default, is the flat layout of
    /// every version made before layouts. Only a version created empty takes it: an existing
    /// one keeps its own, a snapshot's comes with its files (<c>sidecarctl snapshot build --partitions</c>).</summary>
    [Range(0, KeyLayout.MaxPartitions)]
    public int Partitions { get; set; }

    internal KeyLayout Layout => KeyLayout.Of(Partitions);

    /// <summary>fsync the write-ahead log on every batch (survives power loss, not only process death).</summary>
    public bool SyncWrites { get; set; }
}
