using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Merge;
using Sidecar.Store.State;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Merge;

/// <summary>Worked examples of the request memory: which record counts, and what the window forgets.</summary>
public sealed class RequestMemoryTests
{
    private const ulong Second = 1000UL << 16;
    private static readonly ulong T0 = 1_800_000_000_000UL << 16;

    private readonly UserState _state = new();
    private readonly Dictionary<(string, int), long> _offsets = [];

    [Fact]
    public void A_retry_accepted_in_another_datacenter_counts_once_in_either_arrival_order()
    {
        var ab = new UserState();
        var ba = new UserState();
        var first = Envelopes.Stamped("dc-a", "r1-x", "u", T0, [Envelopes.Incr("n", 4)]);
        var retry = Envelopes.Stamped("dc-b", "r1-x", "u", T0 + Second, [Envelopes.Incr("n", 4)]);
        UpdateApplier.Apply(ab, first, new OriginPosition("dc-a", 0, 7), 10);
        UpdateApplier.Apply(ab, retry, new OriginPosition("dc-b", 1, 3), 10);
        UpdateApplier.Apply(ba, retry, new OriginPosition("dc-b", 1, 3), 10);
        Assert.Equal(4, Count(ba));
        UpdateApplier.Apply(ba, first, new OriginPosition("dc-a", 0, 7), 10);

        Assert.Equal(4, Count(ab));
        Assert.Equal(4, Count(ba));
        Assert.Equal(Replica.Bytes(ab), Replica.Bytes(ba));
        Assert.Equal("dc-a", RequestMemory.First(ba, "r1-x")!.Value.Datacenter);
    }

    [Fact]
    public void The_window_forgets_requests_older_than_its_span_before_the_newest()
    {
        Apply("r-old", T0, Envelopes.Incr("n"));
        Apply("r-new", T0 + 61 * Second, Envelopes.Incr("n"));
        RequestMemory.Trim(_state, new RequestWindow(TimeSpan.FromMinutes(1), 100));

        Assert.Null(RequestMemory.First(_state, "r-old"));
        Assert.NotNull(RequestMemory.First(_state, "r-new"));
        Assert.Equal(2, Count(_state));
    }

    [Fact]
    public void The_window_keeps_the_newest_requests_per_user()
    {
        for (var i = 0; i < 5; i++)
        {
            Apply($"r-{i}", T0 + (ulong)i * Second, Envelopes.Set("f", "1"));
        }

        RequestMemory.Trim(_state, new RequestWindow(TimeSpan.FromHours(1), 3));
        Assert.Equal(["r-2", "r-3", "r-4"], RequestMemory.Requests(_state).Select(r => r.Id));
    }

    [Fact]
    public void Within_the_retry_window_no_request_is_forgotten_for_their_number()
    {
        for (var i = 0; i < 5; i++)
        {
            Apply($"r-{i}", T0 + (ulong)i * 25 * Second, Envelopes.Set("f", "1"));
        }

        // r-0 and r-1 are more than a minute older than r-4: the bound of 2 applies to them alone.
        RequestMemory.Trim(_state, new RequestWindow(TimeSpan.FromHours(1), 2, TimeSpan.FromMinutes(1)));
        Assert.Equal(["r-2", "r-3", "r-4"], RequestMemory.Requests(_state).Select(r => r.Id));
    }

    [Fact]
    public void Forgetting_a_request_with_copies_folds_them_so_the_count_stays()
    {
        var copy = Apply("r-dup", T0, Envelopes.Incr("n", 3));
        ApplyAt(copy, "dc-a", 0); // the same bytes again, at a new offset
        Apply("r-next", T0 + 2 * Second, Envelopes.Incr("n", 1));
        Assert.Equal(4, Count(_state));

        RequestMemory.Trim(_state, new RequestWindow(TimeSpan.FromSeconds(1), 100));
        Assert.Null(RequestMemory.First(_state, "r-dup"));
        Assert.Equal(4, Count(_state));
        Assert.Equal(3, _state.Counters.Single().Shards.Single().Duplicates);
    }

    [Fact]
    public void A_delete_user_whose_baseline_covers_folded_copies_removes_them_with_the_rest()
    {
        var copy = Apply("r-dup", T0, Envelopes.Incr("n", 3));
        ApplyAt(copy, "dc-a", 0);
        Apply("r-next", T0 + 2 * Second, Envelopes.Incr("n", 1));
        RequestMemory.Trim(_state, new RequestWindow(TimeSpan.FromSeconds(1), 100));
        var shard = _state.Counters.Single().Shards.Single();

        var delete = new DeleteUser();
        delete.Observed.Add(new CounterObservation { Counter = "n", OriginDc = "dc-a", OriginPartition = 0, OriginOffset = shard.Offset, Value = shard.Value });
        Apply("r-delete", T0 + 3 * Second, new Op { DeleteUser = delete });
        Apply("r-after", T0 + 4 * Second, Envelopes.Incr("n", 2));

        Assert.Equal(2, Count(_state));
    }

    [Fact]
    public void A_request_remembered_through_a_delete_user_cannot_count_again()
    {
        var write = Apply("r-1", T0, Envelopes.Incr("n", 5));
        Apply("r-delete", T0 + Second, new Op { DeleteUser = new DeleteUser() });
        ApplyAt(write, "dc-a", 0);
        Assert.Equal(5, Count(_state)); // the delete observed nothing, so the first still counts
        Assert.Equal(2, RequestMemory.Requests(_state).Single(r => r.Id == "r-1").Records);
    }

    [Fact]
    public void Long_ids_and_counter_names_are_remembered_whole()
    {
        var counter = new string('c', 1024);
        var write = Envelopes.Stamped("dc-a", new string('i', 200), "u", T0, [Envelopes.Incr(counter, 7), Envelopes.Incr("n", 1)]);
        ApplyAt(write, "dc-a", 0);
        ApplyAt(write, "dc-a", 0);
        ApplyAt(Envelopes.Stamped("dc-b", write.Id, "u", T0 + Second, write.Ops), "dc-b", 3);

        Assert.Equal(7, UserView.Value(_state, _state.Counters.Single(c => c.Name == counter)));
        Assert.Equal(1, Count(_state));
        Assert.Equal((new string('i', 200), 3), RequestMemory.Requests(_state).Single());
    }

    private static long Count(UserState state) =>
        state.Counters.SingleOrDefault(c => c.Name == "n") is { } counter ? UserView.Value(state, counter) : 0;

    private UpdateEnvelope Apply(string id, ulong hlc, params Op[] ops)
    {
        var envelope = Envelopes.Stamped("dc-a", id, "u", hlc, ops);
        ApplyAt(envelope, "dc-a", 0);
        return envelope;
    }

    private void ApplyAt(UpdateEnvelope envelope, string origin, int partition)
    {
        var offset = _offsets.GetValueOrDefault((origin, partition));
        _offsets[(origin, partition)] = offset + 1;
        UpdateApplier.Apply(_state, envelope, new OriginPosition(origin, partition, offset), 10);
    }
}
