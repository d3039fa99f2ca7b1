using Sidecar.Common.Envelope;
using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>
/// The delete-user op a node writes for a user's state. Counters are observed-remove: the delete
/// carries, per counter shard, the offset and value this node has applied (a baseline), and
/// removes exactly those increments everywhere; increments made concurrently elsewhere, past the
/// baseline, survive it (see <see cref="UpdateApplier"/>).
/// </summary>
internal static class ObservedRemove
{
    /// <summary>The delete of a user whose state here is <paramref name="state"/> (null: none,
    /// so the delete observes no counter).</summary>
    public static DeleteUser DeleteUser(UserState? state)
    {
        var delete = new DeleteUser();
        if (state is null)
        {
            return delete;
        }

        foreach (var counter in state.Counters)
        {
            foreach (var shard in counter.Shards)
            {
                // Offset -1: a shard that only holds a baseline (an earlier delete's), no
                // increment of its own to observe.
                if (shard.Offset >= 0)
                {
                    delete.Observed.Add(new CounterObservation
                    {
                        Counter = counter.Name,
                        OriginDc = shard.Origin,
                        OriginPartition = shard.Partition,
                        OriginOffset = shard.Offset,
                        Value = shard.Value,
                    });
                }
            }
        }

        return delete;
    }
}
