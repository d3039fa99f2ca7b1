using Sidecar.Common.Kafka;
using RocksDbSharp;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// A version's users, read from one RocksDB snapshot, in the key order of another (or the same)
/// <see cref="KeyLayout"/>, with their keys in that layout: what a checkpoint that moves a dataset
/// to a new layout writes (<c>sidecarctl snapshot checkpoint --partitions</c>). SST files need
/// their keys in order, and no layout's order is another's, so the users are first read in user id
/// order (the flat layout's order: one scan of a flat version, a merge of the partitions' ranges of
/// a partitioned one), then, for a partitioned target, once per target partition, keeping that
/// partition's users. n partitions cost n scans and no memory beyond one user per source partition.
/// </summary>
public static class UsersInLayout
{
    public static IEnumerable<(byte[] Key, byte[] Value)> Read(RocksDb db, ReadOptions read, KeyLayout source, KeyLayout target)
    {
        if (source.Equals(target))
        {
            foreach (var entry in Scan(db, read, StoreKeys.UserPrefix, null))
            {
                yield return entry;
            }

            yield break;
        }

        if (!target.IsPartitioned)
        {
            foreach (var (id, value) in ById(db, read, source))
            {
                yield return (target.User(id), value);
            }

            yield break;
        }

        for (var partition = 0; partition < target.Partitions; partition++)
        {
            foreach (var (id, value) in ById(db, read, source))
            {
                if (KafkaPartitioner.Partition(id, target.Partitions) == partition)
                {
                    yield return (target.User(id), value);
                }
            }
        }
    }

    /// <summary>Every user as (UTF-8 id, state), in id order whatever the source layout.</summary>
    private static IEnumerable<(byte[] Id, byte[] Value)> ById(RocksDb db, ReadOptions read, KeyLayout source)
    {
        if (!source.IsPartitioned)
        {
            foreach (var (key, value) in Scan(db, read, StoreKeys.UserPrefix, null))
            {
                yield return (source.UserIdBytes(key).ToArray(), value);
            }

            yield break;
        }

        // Each partition's range is in id order: merge them, smallest id first.
        var ranges = new List<IEnumerator<(byte[] Key, byte[] Value)>>();
        try
        {
            var heads = new PriorityQueue<(byte[] Id, byte[] Value, int Range), byte[]>(BytewiseOrder.Instance);
            for (var p = 0; p < source.Partitions; p++)
            {
                var (start, end) = source.PartitionRange(p);
                var range = Scan(db, read, start, end).GetEnumerator();
                ranges.Add(range);
                Advance(source, ranges, p, heads);
            }

            while (heads.TryDequeue(out var head, out _))
            {
                yield return (head.Id, head.Value);
                Advance(source, ranges, head.Range, heads);
            }
        }
        finally
        {
            foreach (var range in ranges)
            {
                range.Dispose();
            }
        }
    }

    private static void Advance(KeyLayout source, List<IEnumerator<(byte[] Key, byte[] Value)>> ranges, int range, PriorityQueue<(byte[] Id, byte[] Value, int Range), byte[]> heads)
    {
        if (ranges[range].MoveNext())
        {
            var (key, value) = ranges[range].Current;
            var id = source.UserIdBytes(key).ToArray();
            heads.Enqueue((id, value, range), id);
        }
    }

    /// <summary>The entries with keys from <paramref name="start"/> (and the user prefix) up to <paramref name="end"/> (exclusive; null: the prefix's end).</summary>
    private static IEnumerable<(byte[] Key, byte[] Value)> Scan(RocksDb db, ReadOptions read, byte[] start, byte[]? end)
    {
        using var iterator = db.NewIterator(readOptions: read);
        for (iterator.Seek(start); iterator.Valid(); iterator.Next())
        {
            var key = iterator.Key();
            if (!key.AsSpan().StartsWith(StoreKeys.UserPrefix) || (end is not null && key.AsSpan().SequenceCompareTo(end) >= 0))
            {
                yield break;
            }

            yield return (key, iterator.Value());
        }
    }
}
