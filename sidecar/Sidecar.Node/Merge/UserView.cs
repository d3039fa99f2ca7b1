using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>What a reader sees of a user's state.</summary>
internal static class UserView
{
    /// <summary>A user exists while any field, list item or counted increment is left.</summary>
    public static bool Exists(UserState state)
    {
        foreach (var field in state.Fields)
        {
            if (!field.Tombstone)
            {
                return true;
            }
        }

        if (state.Lists.Count > 0)
        {
            return true;
        }

        foreach (var counter in state.Counters)
        {
            if (IsLive(counter))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sum of each shard's increments past what a delete-user had observed, less those
    /// of requests' extra records (<see cref="RequestMemory"/>): each request counts once.</summary>
    public static long Value(UserState state, CounterEntry counter)
    {
        long total = 0;
        foreach (var shard in counter.Shards)
        {
            if (shard.Offset > shard.BaseOffset)
            {
                total = unchecked(total + shard.Value - shard.BaseValue - shard.Duplicates);
            }
        }

        return unchecked(total - RequestMemory.Excess(state, counter));
    }

    public static bool IsLive(CounterEntry counter)
    {
        foreach (var shard in counter.Shards)
        {
            if (shard.Offset > shard.BaseOffset)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The items a reader sees: the newest <c>max</c> of those kept.</summary>
    public static int VisibleCount(ListEntry list) => (int)Math.Min((uint)list.Items.Count, Math.Max(1u, list.Max));
}
