using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Merge;
using Sidecar.Store.State;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Merge;

/// <summary>Worked examples of each rule, so a failure names the rule that broke.</summary>
public sealed class MergeRuleTests
{
    private readonly UserState _state = new();
    private readonly Dictionary<(string, int), long> _offsets = [];

    [Fact]
    public void Last_writer_wins_per_field_whatever_the_arrival_order()
    {
        Apply("dc-b", 0, 20, Envelopes.Set("city", "\"Pune\""));
        Apply("dc-a", 0, 10, Envelopes.Set("city", "\"Goa\""));
        Assert.Equal("\"Pune\"", Field("city"));
    }

    [Fact]
    public void Equal_clocks_are_ordered_by_origin_datacenter()
    {
        Apply("dc-b", 0, 10, Envelopes.Set("city", "\"Pune\""));
        Apply("dc-a", 0, 10, Envelopes.Set("city", "\"Goa\""));
        Assert.Equal("\"Pune\"", Field("city"));
    }

    [Fact]
    public void A_newer_delete_field_hides_an_older_set_that_arrives_later()
    {
        Apply("dc-a", 0, 20, new Op { Del = new DeleteField { Field = "tmp" } });
        Apply("dc-b", 0, 10, Envelopes.Set("tmp", "1"));
        Assert.False(UserView.Exists(_state));
    }

    [Fact]
    public void Pushes_dedupe_keep_newest_first_and_show_at_most_max()
    {
        Apply("dc-a", 0, 1, Envelopes.Push("recent", "h1", 2));
        Apply("dc-a", 0, 2, Envelopes.Push("recent", "h2", 2));
        Apply("dc-a", 0, 3, Envelopes.Push("recent", "h1", 2));
        Apply("dc-a", 0, 4, Envelopes.Push("recent", "h3", 2));
        var list = _state.Lists.Single();
        Assert.Equal(["h3", "h1", "h2"], list.Items.Select(i => i.Item));
        Assert.Equal(2, UserView.VisibleCount(list));
    }

    [Fact]
    public void Counters_count_each_origin_record_once()
    {
        Apply("dc-a", 0, 1, Envelopes.Incr("views", 2), Envelopes.Incr("views", 3));
        Apply("dc-b", 1, 2, Envelopes.Incr("views", 10));
        Apply("dc-a", 0, 3, Envelopes.Incr("views", 1));
        Assert.Equal(16, UserView.Value(_state, _state.Counters.Single()));
    }

    [Fact]
    public void Delete_user_removes_what_it_observed_and_keeps_concurrent_increments()
    {
        Apply("dc-a", 0, 1, Envelopes.Set("city", "\"Goa\""), Envelopes.Incr("views", 5));
        var observed = new CounterObservation { Counter = "views", OriginDc = "dc-a", OriginPartition = 0, OriginOffset = 0, Value = 5 };
        // dc-b increments concurrently, before the delete reaches it: that increment survives.
        Apply("dc-b", 0, 2, Envelopes.Incr("views", 7));
        var delete = new DeleteUser();
        delete.Observed.Add(observed);
        Apply("dc-a", 0, 3, new Op { DeleteUser = delete });

        Assert.Empty(_state.Fields);
        Assert.Equal(7, UserView.Value(_state, _state.Counters.Single()));
        Apply("dc-a", 0, 4, Envelopes.Incr("views", 1));
        Assert.Equal(8, UserView.Value(_state, _state.Counters.Single()));
    }

    [Fact]
    public void Delete_user_drops_older_list_items_but_keeps_newer_ones()
    {
        Apply("dc-a", 0, 1, Envelopes.Push("recent", "h1", 5));
        Apply("dc-b", 0, 9, Envelopes.Push("recent", "h2", 5));
        Apply("dc-a", 0, 5, new Op { DeleteUser = new DeleteUser() });
        Assert.Equal(["h2"], _state.Lists.Single().Items.Select(i => i.Item));
    }

    private void Apply(string origin, int partition, ulong hlc, params Op[] ops)
    {
        var key = (origin, partition);
        var offset = _offsets.GetValueOrDefault(key);
        _offsets[key] = offset + 1;
        var envelope = Envelopes.Stamped(origin, $"{origin}-{hlc}", "u", hlc, ops);
        UpdateApplier.Apply(_state, envelope, new OriginPosition(origin, partition, offset), listCap: 10);
    }

    private string? Field(string name) => _state.Fields.SingleOrDefault(f => f.Name == name && !f.Tombstone)?.JsonValue.ToStringUtf8();
}
