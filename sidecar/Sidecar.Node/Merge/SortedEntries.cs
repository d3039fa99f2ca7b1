using Google.Protobuf.Collections;

namespace Sidecar.Node.Merge;

/// <summary>Find-or-insert in a repeated field kept sorted by a key, so stored state stays canonical.</summary>
internal static class SortedEntries
{
    public static T GetOrAdd<T, TKey>(RepeatedField<T> entries, TKey key, Func<T, TKey> keyOf, Func<TKey, T> create)
        where TKey : IComparable<TKey>
    {
        var index = Find(entries, key, keyOf);
        if (index >= 0)
        {
            return entries[index];
        }

        var entry = create(key);
        entries.Insert(~index, entry);
        return entry;
    }

    /// <summary>Binary search: the index of the key, or the bitwise complement of where it belongs.</summary>
    public static int Find<T, TKey>(RepeatedField<T> entries, TKey key, Func<T, TKey> keyOf)
        where TKey : IComparable<TKey>
    {
        int lo = 0, hi = entries.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = keyOf(entries[mid]).CompareTo(key);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}

/// <summary>A string compared ordinally, so sort order never depends on culture.</summary>
internal readonly record struct OrdinalKey(string Value) : IComparable<OrdinalKey>
{
    public int CompareTo(OrdinalKey other) => string.CompareOrdinal(Value, other.Value);
}

/// <summary>A counter shard's key: origin datacenter, then origin partition.</summary>
internal readonly record struct ShardKey(string Origin, int Partition) : IComparable<ShardKey>
{
    public int CompareTo(ShardKey other)
    {
        var c = string.CompareOrdinal(Origin, other.Origin);
        return c != 0 ? c : Partition.CompareTo(other.Partition);
    }
}
