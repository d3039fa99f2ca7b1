using RocksDbSharp;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// Table settings of snapshot SST files, the same as the node's own tables (bloom filters,
/// format version, LZ4), so that reads from ingested files are as fast as from compacted ones.
/// </summary>
public static class SstFormat
{
    public static BlockBasedTableOptions Table(int bloomBitsPerKey, Cache? blockCache = null)
    {
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(BloomFilterPolicy.Create(bloomBitsPerKey, false))
            .SetWholeKeyFiltering(true)
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetFormatVersion(5);
        return blockCache is null ? table : table.SetBlockCache(blockCache);
    }

    public static ColumnFamilyOptions WriterOptions(int bloomBitsPerKey) =>
        new ColumnFamilyOptions().SetCompression(Compression.Lz4).SetBlockBasedTableFactory(Table(bloomBitsPerKey));
}
