using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Merge;
using Sidecar.Store.State;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Merge;

/// <summary>The delete-user op a node writes: it observes the counter shards it has applied, and only those.</summary>
public sealed class ObservedRemoveTests
{
    [Fact]
    public void A_delete_of_an_unknown_user_observes_nothing() =>
        Assert.Empty(ObservedRemove.DeleteUser(null).Observed);

    [Fact]
    public void A_delete_observes_each_applied_shard_with_its_offset_and_value_but_not_a_baseline_only_shard()
    {
        var state = new UserState();
        var views = new CounterEntry { Name = "views" };
        views.Shards.Add(new CounterShard { Origin = "dc-a", Partition = 0, Offset = 0, Value = 5 });
        views.Shards.Add(new CounterShard { Origin = "dc-b", Partition = 3, Offset = 41, Value = 7, BaseOffset = 40, BaseValue = 6 });
        // Only a baseline from an earlier delete: no increment here to observe.
        views.Shards.Add(new CounterShard { Origin = "dc-c", Partition = 1, Offset = -1, BaseOffset = 9, BaseValue = 2 });
        var clicks = new CounterEntry { Name = "clicks" };
        clicks.Shards.Add(new CounterShard { Origin = "dc-a", Partition = 2, Offset = 12, Value = -1 });
        state.Counters.Add(clicks);
        state.Counters.Add(views);

        var observed = ObservedRemove.DeleteUser(state).Observed;

        Assert.Equal(
        [
            ("clicks", "dc-a", 2, 12L, -1L),
            ("views", "dc-a", 0, 0L, 5L),
            ("views", "dc-b", 3, 41L, 7L),
        ], observed.Select(o => (o.Counter, o.OriginDc, o.OriginPartition, o.OriginOffset, o.Value)));
    }

    [Fact]
    public void Applied_everywhere_the_delete_removes_what_this_node_had_applied_and_keeps_a_concurrent_increment()
    {
        var here = new UserState();
        var there = new UserState();
        var a1 = Envelopes.Stamped("dc-a", "r-1", "u", 1, [Envelopes.Incr("views", 5)]);
        var b1 = Envelopes.Stamped("dc-b", "r-2", "u", 2, [Envelopes.Incr("views", 7)]);
        UpdateApplier.Apply(here, a1, new OriginPosition("dc-a", 0, 0), listCap: 10);
        UpdateApplier.Apply(there, a1, new OriginPosition("dc-a", 0, 0), listCap: 10);
        UpdateApplier.Apply(there, b1, new OriginPosition("dc-b", 0, 0), listCap: 10); // not yet seen here

        var delete = Envelopes.Stamped("dc-a", "r-3", "u", 3, [new Op { DeleteUser = ObservedRemove.DeleteUser(here) }]);
        UpdateApplier.Apply(here, delete, new OriginPosition("dc-a", 0, 1), listCap: 10);
        UpdateApplier.Apply(there, delete, new OriginPosition("dc-a", 0, 1), listCap: 10);
        UpdateApplier.Apply(here, b1, new OriginPosition("dc-b", 0, 0), listCap: 10);

        Assert.Equal(7, UserView.Value(here, here.Counters.Single()));
        Assert.Equal(7, UserView.Value(there, there.Counters.Single()));
    }
}
