using Microsoft.Extensions.Options;
using RocksDbSharp;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Storage;

/// <summary>
/// RocksDB's block cache (LRU, <c>Store:BlockCacheMb</c>), one per node: every version of every
/// dataset reads through it, so the memory budget is the node's however many datasets it serves,
/// and the hot blocks of a busy dataset can use what a quiet one leaves.
/// </summary>
internal sealed class BlockCache
{
    public BlockCache(IOptions<StoreOptions> options) => Cache = Cache.CreateLru((ulong)options.Value.BlockCacheMb << 20);

    public Cache Cache { get; }
}
