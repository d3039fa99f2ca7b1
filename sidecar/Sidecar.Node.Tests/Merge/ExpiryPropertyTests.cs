using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Node.Merge;
using Sidecar.Node.Model;
using Sidecar.Store.State;

namespace Sidecar.Node.Tests.Merge;

/// <summary>
/// Expiry keeps the merge convergent: nodes that got the same updates in any order, and removed
/// expired entries at any moments (or never), show the same visible state at a given time, and
/// no late old update brings back what expired. Clocks here are milliseconds 8..~250, so that
/// the windows below cut through every history.
/// </summary>
public sealed class ExpiryPropertyTests
{
    private static readonly Expiry Both = new(TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(100));

    private static readonly Expiry[] Settings =
        [Both, new(TimeSpan.FromMilliseconds(60), null), new(null, TimeSpan.FromMilliseconds(100)), new(TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(40))];

    /// <summary>A history, two deliveries of it, sweep moments for the first (one per update,
    /// negative = no sweep there), the time of the comparison, and the settings.</summary>
    private static Arbitrary<Case> Cases() =>
        (from history in HistoryGen.History().Select(Timed)
         from first in HistoryGen.Delivery(history)
         from second in HistoryGen.Delivery(history)
         from at in Gen.Choose(0, 400)
         from sweeps in Gen.Choose(-400, 400).ArrayOf(first.Count + 1)
         from settings in Gen.Elements(Settings)
         select new Case(history, first, second, sweeps, at, settings)).ToArbitrary();

    [Property(MaxTest = 1000)]
    public Property Sweeping_at_any_moments_before_the_comparison_changes_nothing_visible() =>
        Prop.ForAll(Cases(), c =>
        {
            var swept = Apply(c.First, c.Sweeps.Select(s => s < 0 ? -1 : Math.Min(s, c.At)).ToArray(), c.Expiry);
            var never = Apply(c.Second, [], c.Expiry);
            return Visible(swept, c.Expiry, c.At) == Visible(never, c.Expiry, c.At);
        });

    /// <summary>
    /// A node that swept at the comparison's time and then got every update again, the old ones
    /// included (a replicator catching up late), still shows what it showed.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property A_late_old_update_does_not_bring_back_what_expired() =>
        Prop.ForAll(Cases(), c =>
        {
            var replica = Replica.Of(c.First);
            ExpiryRule.Sweep(replica.State, c.Expiry, c.At);
            var before = Visible(replica.State, c.Expiry, c.At);
            // The late node starts from the swept state and gets the whole log again, in another order.
            var state = replica.State.Clone();
            foreach (var update in c.Second)
            {
                UpdateApplier.Apply(state, update.Envelope, update.Origin, Replica.ListCap);
            }

            return Visible(state, c.Expiry, c.At) == before;
        });

    [Property(MaxTest = 500)]
    public Property Sweeping_is_idempotent_and_an_earlier_sweep_is_contained_in_a_later_one() =>
        Prop.ForAll(Cases(), c =>
        {
            var state = Replica.Of(c.First).State;
            var earlier = Math.Min(Math.Abs(c.Sweeps[0]), c.At);
            var twice = state.Clone();
            ExpiryRule.Sweep(twice, c.Expiry, earlier);
            ExpiryRule.Sweep(twice, c.Expiry, c.At);
            var once = state.Clone();
            ExpiryRule.Sweep(once, c.Expiry, c.At);
            ExpiryRule.Sweep(once, c.Expiry, c.At);
            return Replica.Bytes(twice) == Replica.Bytes(once);
        });

    /// <summary>What a reader is served stays right until <see cref="ExpiryRule.ValidUntil"/>, and changes then.</summary>
    [Property(MaxTest = 500)]
    public Property A_rendering_is_right_until_its_end_and_not_after() =>
        Prop.ForAll(Cases(), c =>
        {
            var state = Replica.Of(c.First).State;
            var now = Render(state, c.Expiry, c.At);
            if (now is null)
            {
                return true;
            }

            var until = ExpiryRule.ValidUntil(Swept(state, c.Expiry, c.At), c.Expiry, c.At);
            if (until == long.MaxValue)
            {
                return Render(state, c.Expiry, c.At + 100_000) == now;
            }

            return Render(state, c.Expiry, until - 1) == now && Render(state, c.Expiry, until) != now;
        });

    [Fact]
    public void An_entry_is_visible_through_its_last_millisecond_and_gone_after()
    {
        var state = new UserState();
        state.Fields.Add(new FieldEntry { Name = "f", Stamp = Stamp(1_000), JsonValue = Google.Protobuf.ByteString.CopyFromUtf8("1") });
        var ttl = new Expiry(TimeSpan.FromMilliseconds(500), null);
        Assert.NotNull(Render(state, ttl, 1_500));
        Assert.Null(Render(state, ttl, 1_501));
        Assert.Equal(1_501, ExpiryRule.ValidUntil(state, ttl, 1_000));
    }

    [Fact]
    public void Snapshot_entries_do_not_expire_and_a_user_with_only_them_is_not_hidden()
    {
        var state = new UserState();
        var snapshot = new Stamp { Hlc = 0, Origin = Sidecar.Store.Snapshots.UserDocument.SnapshotOrigin, Id = "v1" };
        state.Fields.Add(new FieldEntry { Name = "f", Stamp = snapshot, JsonValue = Google.Protobuf.ByteString.CopyFromUtf8("1") });
        Assert.False(ExpiryRule.Sweep(state, Both, 10_000_000));
        Assert.False(ExpiryRule.Hidden(state, Both, 10_000_000));
        Assert.Single(state.Fields);
    }

    [Fact]
    public void Removing_entries_keeps_the_users_age()
    {
        var state = new UserState();
        state.Fields.Add(new FieldEntry { Name = "f", Stamp = Stamp(1_000), JsonValue = Google.Protobuf.ByteString.CopyFromUtf8("1") });
        var expiry = new Expiry(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1_000));
        Assert.True(ExpiryRule.Sweep(state, expiry, 1_200));
        Assert.Empty(state.Fields);
        Assert.False(ExpiryRule.Hidden(state, expiry, 2_000)); // still its op of t=1000, not an empty user's 0
        Assert.True(ExpiryRule.Hidden(state, expiry, 2_001));
    }

    private static Stamp Stamp(long ms) => new() { Hlc = HybridLogicalClock.Encode(ms, 0), Origin = "dc-a", Id = $"op-{ms}" };

    private static UserState Apply(List<LoggedUpdate> delivery, int[] sweeps, Expiry expiry)
    {
        var replica = new Replica();
        for (var i = 0; i < delivery.Count; i++)
        {
            replica.Apply(delivery[i]);
            if (i < sweeps.Length && sweeps[i] >= 0)
            {
                ExpiryRule.Sweep(replica.State, expiry, sweeps[i]);
            }
        }

        return replica.State;
    }

    private static UserState Swept(UserState state, Expiry expiry, long at)
    {
        var copy = state.Clone();
        ExpiryRule.Sweep(copy, expiry, at);
        return copy;
    }

    /// <summary>The state a digest covers at <paramref name="at"/>: hidden, or the projected bytes.</summary>
    private static string Visible(UserState state, Expiry expiry, long at)
    {
        if (ExpiryRule.Hidden(state, expiry, at))
        {
            return "hidden";
        }

        var copy = state.Clone();
        ExpiryRule.Project(copy, expiry, at);
        return Replica.Bytes(copy);
    }

    private static string? Render(UserState state, Expiry expiry, long at) =>
        VisibleUser.Render("u", state.Clone(), "v", expiry, at) is { } r ? System.Text.Encoding.UTF8.GetString(r.Json) : null;

    /// <summary>The history with its clocks read as milliseconds (HistoryGen's are raw HLCs 8..250).</summary>
    private static List<LoggedUpdate> Timed(List<LoggedUpdate> history)
    {
        var timed = new Dictionary<UpdateEnvelope, UpdateEnvelope>(ReferenceEqualityComparer.Instance);
        return history.Select(u =>
        {
            if (!timed.TryGetValue(u.Envelope, out var envelope))
            {
                envelope = u.Envelope.Clone();
                foreach (var op in envelope.Ops)
                {
                    op.Hlc = HybridLogicalClock.Encode((long)op.Hlc, 0);
                }

                timed[u.Envelope] = envelope;
            }

            return u with { Envelope = envelope };
        }).ToList();
    }

    internal sealed record Case(List<LoggedUpdate> History, List<LoggedUpdate> First, List<LoggedUpdate> Second, int[] Sweeps, int At, Expiry Expiry)
    {
        public override string ToString() =>
            $"at={At} expiry={Expiry} sweeps=[{string.Join(",", Sweeps)}]\nfirst: {string.Join("\n", First.Select(u => $"{u.Origin} {u.Envelope}"))}";
    }
}
