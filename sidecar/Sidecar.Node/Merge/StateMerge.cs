using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>
/// The merge rules. Every function here is a join: merging the same pieces of state in any
/// order, any number of times, gives the same result. Applying an update (see
/// <see cref="UpdateApplier"/>) is merging the small piece of state the update stands for, so the
/// same rules serve ingest, and tests can check them as a lattice.
/// </summary>
internal static class StateMerge
{
    /// <summary>Merges <paramref name="other"/> into <paramref name="target"/>.</summary>
    public static void Join(UserState target, UserState other, int listCap)
    {
        MergeDeleted(target, other.Deleted);
        foreach (var field in other.Fields)
        {
            MergeField(target, field);
        }

        foreach (var list in other.Lists)
        {
            var into = List(target, list.Name);
            MergeListMax(into, list.MaxStamp, list.Max);
            foreach (var item in list.Items)
            {
                MergeListItem(into, item.Item, item.Stamp);
            }
        }

        foreach (var counter in other.Counters)
        {
            var into = Counter(target, counter.Name);
            foreach (var shard in counter.Shards)
            {
                MergeShard(into, shard);
            }
        }

        RequestMemory.Join(target, other);
        target.Newest = Math.Max(target.Newest, other.Newest);
        Normalize(target, listCap);
    }

    public static void MergeDeleted(UserState target, Stamp? deleted)
    {
        if (Stamps.Before(target.Deleted, deleted))
        {
            target.Deleted = deleted!.Clone();
        }
    }

    /// <summary>Last writer wins by stamp; a tombstone is a write like any other.</summary>
    public static void MergeField(UserState target, FieldEntry field)
    {
        var index = SortedEntries.Find(target.Fields, new OrdinalKey(field.Name), f => new OrdinalKey(f.Name));
        if (index < 0)
        {
            target.Fields.Insert(~index, field.Clone());
        }
        else if (Wins(field, target.Fields[index]))
        {
            target.Fields[index] = field.Clone();
        }
    }

    // Stamps are unique per op, so a tie means one op delivered twice, with the same content;
    // comparing the content anyway keeps the merge a join even if a writer ever reused an id.
    private static bool Wins(FieldEntry candidate, FieldEntry current)
    {
        var c = Stamps.Compare(candidate.Stamp, current.Stamp);
        if (c != 0)
        {
            return c > 0;
        }

        c = candidate.Tombstone.CompareTo(current.Tombstone);
        return c != 0 ? c > 0 : candidate.JsonValue.Span.SequenceCompareTo(current.JsonValue.Span) > 0;
    }

    public static ListEntry List(UserState target, string name) =>
        SortedEntries.GetOrAdd(target.Lists, new OrdinalKey(name), l => new OrdinalKey(l.Name), k => new ListEntry { Name = k.Value });

    public static CounterEntry Counter(UserState target, string name) =>
        SortedEntries.GetOrAdd(target.Counters, new OrdinalKey(name), c => new OrdinalKey(c.Name), k => new CounterEntry { Name = k.Value });

    public static CounterShard Shard(CounterEntry counter, string origin, int partition) =>
        SortedEntries.GetOrAdd(counter.Shards, new ShardKey(origin, partition), s => new ShardKey(s.Origin, s.Partition),
            k => new CounterShard { Origin = k.Origin, Partition = k.Partition, Offset = -1, BaseOffset = -1 });

    public static void MergeListMax(ListEntry list, Stamp? stamp, uint max)
    {
        var c = Stamps.Compare(list.MaxStamp, stamp);
        if (c < 0 || (c == 0 && max > list.Max))
        {
            list.MaxStamp = stamp!.Clone();
            list.Max = max;
        }
    }

    /// <summary>Add wins: an item keeps the newest stamp any push gave it.</summary>
    public static void MergeListItem(ListEntry list, string item, Stamp stamp)
    {
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i].Item == item)
            {
                if (!Stamps.Before(list.Items[i].Stamp, stamp))
                {
                    return;
                }

                list.Items.RemoveAt(i);
                break;
            }
        }

        // Newest first; ties cannot happen between distinct pushes (stamps are unique), and the
        // item name breaks them between equal stamps of different items.
        var at = 0;
        while (at < list.Items.Count && ItemOrder(list.Items[at], stamp, item) < 0)
        {
            at++;
        }

        list.Items.Insert(at, new ListItem { Item = item, Stamp = stamp.Clone() });
    }

    /// <summary>
    /// The shard that includes more of its origin partition wins (values are cumulative);
    /// baselines merge the same way. Equal offsets mean the same record, hence the same value;
    /// the value still breaks the tie so that the merge stays a join on any input.
    /// </summary>
    public static void MergeShard(CounterEntry counter, CounterShard shard)
    {
        var into = Shard(counter, shard.Origin, shard.Partition);
        if (shard.Offset > into.Offset || (shard.Offset == into.Offset && shard.Value > into.Value))
        {
            into.Offset = shard.Offset;
            into.Value = shard.Value;
        }

        if (shard.BaseOffset > into.BaseOffset || (shard.BaseOffset == into.BaseOffset && shard.BaseValue > into.BaseValue))
        {
            into.BaseOffset = shard.BaseOffset;
            into.BaseValue = shard.BaseValue;
        }

        // Folded duplicates (see RequestMemory.Trim) are a fact of the records, like the value.
        // (A piece without any, like a delete-user's observation, leaves them as they are.)
        if (shard.Duplicates != 0 && (shard.DuplicatesOffset > into.DuplicatesOffset || (shard.DuplicatesOffset == into.DuplicatesOffset && shard.Duplicates > into.Duplicates)))
        {
            into.DuplicatesOffset = shard.DuplicatesOffset;
            into.Duplicates = shard.Duplicates;
        }

        RequestMemory.BaselineMoved(into);
    }

    /// <summary>
    /// Drops what a delete-user removed and trims lists to the cap. Both only depend on the
    /// merged state, never on the order things arrived in.
    /// </summary>
    public static void Normalize(UserState state, int listCap)
    {
        var deleted = state.Deleted;
        if (deleted is not null)
        {
            for (var i = state.Fields.Count - 1; i >= 0; i--)
            {
                if (Stamps.Before(state.Fields[i].Stamp, deleted))
                {
                    state.Fields.RemoveAt(i);
                }
            }
        }

        for (var i = state.Lists.Count - 1; i >= 0; i--)
        {
            var items = state.Lists[i].Items;
            // Items are newest first, so both the deleted ones and those past the cap are at the end.
            while (items.Count > 0 && (items.Count > listCap || Stamps.Before(items[^1].Stamp, deleted)))
            {
                items.RemoveAt(items.Count - 1);
            }

            if (items.Count == 0)
            {
                state.Lists.RemoveAt(i);
            }
        }
    }

    private static int ItemOrder(ListItem existing, Stamp stamp, string item)
    {
        var c = Stamps.Compare(stamp, existing.Stamp);
        return c != 0 ? c : string.CompareOrdinal(existing.Item, item);
    }
}
