using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Tests.Merge;

/// <summary>
/// The merge rules are a join: the same updates in any order, any number of times, give the
/// same bytes; merging whole states is commutative, associative and idempotent.
/// </summary>
public sealed class MergePropertyTests
{
    private static Arbitrary<(List<LoggedUpdate> History, List<LoggedUpdate> First, List<LoggedUpdate> Second)> TwoDeliveries() =>
        (from history in HistoryGen.History()
         from first in HistoryGen.Delivery(history)
         from second in HistoryGen.Delivery(history)
         select (history, first, second)).ToArbitrary();

    /// <summary>
    /// Three replicas of one history, each having received a different part of it: a prefix of
    /// its own delivery order (a node applies every origin partition in order, so what it holds
    /// is a prefix of each partition's log).
    /// </summary>
    private static Arbitrary<(UserState A, UserState B, UserState C)> ThreeStates() =>
        (from history in HistoryGen.History()
         from a in PartialReplica(history)
         from b in PartialReplica(history)
         from c in PartialReplica(history)
         select (a, b, c)).ToArbitrary();

    private static Gen<UserState> PartialReplica(List<LoggedUpdate> history) =>
        from delivery in HistoryGen.Delivery(history)
        from cut in Gen.Choose(0, delivery.Count)
        select Merge.Replica.Of(delivery.Take(cut)).State;

    [Property(MaxTest = 1000)]
    public Property Any_delivery_order_with_duplicates_gives_the_same_state() =>
        Prop.ForAll(TwoDeliveries(), t =>
            Replica.Bytes(Replica.Of(t.First).State) == Replica.Bytes(Replica.Of(t.Second).State));

    /// <summary>
    /// Without deletes, a counter is exactly the sum of every request's increments once, however
    /// many records a request has (retries, copies) and in whatever order they arrive.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property Each_request_counts_once_whatever_its_copies_and_their_order() =>
        Prop.ForAll(TwoDeliveries(), t =>
        {
            if (t.History.Any(u => u.Envelope.Ops.Any(o => o.KindCase == Sidecar.Common.Envelope.Op.KindOneofCase.DeleteUser)))
            {
                return true; // A delete removes what its node had observed: not a plain sum.
            }

            var state = Replica.Of(t.First).State;
            return new[] { "c1", "c2" }.All(c =>
                HistoryGen.ExpectedCount(t.History, c) == (state.Counters.FirstOrDefault(e => e.Name == c) is { } entry ? UserView.Value(state, entry) : 0));
        });

    [Property(MaxTest = 300)]
    public Property Redelivering_everything_changes_nothing() =>
        Prop.ForAll(TwoDeliveries(), t =>
            Replica.Bytes(Replica.Of(t.First).State) == Replica.Bytes(Replica.Of(t.First.Concat(t.Second)).State));

    [Property(MaxTest = 300)]
    public Property Join_is_commutative() =>
        Prop.ForAll(ThreeStates(), s =>
            Replica.Bytes(Replica.Join(s.A, s.B)) == Replica.Bytes(Replica.Join(s.B, s.A)));

    [Property(MaxTest = 300)]
    public Property Join_is_associative() =>
        Prop.ForAll(ThreeStates(), s =>
            Replica.Bytes(Replica.Join(Replica.Join(s.A, s.B), s.C)) == Replica.Bytes(Replica.Join(s.A, Replica.Join(s.B, s.C))));

    [Property(MaxTest = 300)]
    public Property Join_is_idempotent() =>
        Prop.ForAll(ThreeStates(), s => Replica.Bytes(Replica.Join(s.A, s.A)) == Replica.Bytes(s.A));

    /// <summary>
    /// Two datacenters that each applied only their own updates, merged, equal one node that
    /// applied everything: applying an update and merging state are the same rules.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Joining_per_origin_states_equals_applying_everything() =>
        Prop.ForAll(TwoDeliveries(), t =>
        {
            var a = Replica.Of(t.First.Where(u => u.Origin.Datacenter == "dc-a")).State;
            var b = Replica.Of(t.First.Where(u => u.Origin.Datacenter == "dc-b")).State;
            return Replica.Bytes(Replica.Join(a, b)) == Replica.Bytes(Replica.Of(t.Second).State);
        });
}
