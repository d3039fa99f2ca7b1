using Sidecar.Node.Versions;

namespace Sidecar.Node.Tests.Versions;

public sealed class SwapStateTests
{
    // The legal moves, written out: every other pair must be refused.
    private static readonly HashSet<(SwapPhase From, SwapPhase To)> Legal =
    [
        (SwapPhase.CatchingUp, SwapPhase.Staged),
        (SwapPhase.CatchingUp, SwapPhase.Failed),
        (SwapPhase.CatchingUp, SwapPhase.Discarded),
        (SwapPhase.Staged, SwapPhase.Dual),
        (SwapPhase.Staged, SwapPhase.Failed),
        (SwapPhase.Staged, SwapPhase.Discarded),
        (SwapPhase.Dual, SwapPhase.Promoted),
        (SwapPhase.Dual, SwapPhase.Discarded),
        (SwapPhase.Failed, SwapPhase.Discarded),
    ];

    // As ints: the phases are internal to the node, a public test method cannot take them.
    public static TheoryData<int, int> AllPairs()
    {
        var data = new TheoryData<int, int>();
        foreach (var from in Enum.GetValues<SwapPhase>())
        {
            foreach (var to in Enum.GetValues<SwapPhase>())
            {
                data.Add((int)from, (int)to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Only_the_legal_moves_are_allowed(int fromPhase, int toPhase)
    {
        var (from, to) = ((SwapPhase)fromPhase, (SwapPhase)toPhase);
        var state = At(from);
        var legal = Legal.Contains((from, to));

        Assert.Equal(legal, SwapState.CanMove(from, to));
        Assert.Equal(legal, state.TryMove(to));
        Assert.Equal(legal ? to : from, state.Phase);
    }

    [Fact]
    public void A_new_version_is_catching_up_and_has_not_been_dual()
    {
        var state = new SwapState();

        Assert.Equal(SwapPhase.CatchingUp, state.Phase);
        Assert.False(state.ReachedDual);
    }

    [Fact]
    public void A_version_is_promoted_only_from_dual_apply()
    {
        var staged = At(SwapPhase.Staged);
        var error = Assert.Throws<InvalidOperationException>(() => staged.Move(SwapPhase.Promoted));
        Assert.Contains("Staged", error.Message);
        Assert.Equal(SwapPhase.Staged, staged.Phase);

        var failed = At(SwapPhase.Failed);
        Assert.False(failed.TryMove(SwapPhase.Dual));
        Assert.False(failed.TryMove(SwapPhase.Promoted));

        var dual = At(SwapPhase.Dual);
        dual.Move(SwapPhase.Promoted);
        Assert.Equal(SwapPhase.Promoted, dual.Phase);
    }

    [Fact]
    public void A_promoted_version_still_counts_as_having_reached_dual()
    {
        // A batch whose leases were taken before the promote goes to it too: see VersionSwap.BetweenBatches.
        var state = At(SwapPhase.Promoted);

        Assert.True(state.ReachedDual);
    }

    [Fact]
    public void A_version_that_failed_or_was_discarded_before_dual_never_reached_it()
    {
        Assert.False(At(SwapPhase.Failed).ReachedDual);
        var discarded = At(SwapPhase.Staged);
        discarded.Move(SwapPhase.Discarded);
        Assert.False(discarded.ReachedDual);
        Assert.False(discarded.TryMove(SwapPhase.Dual));
    }

    [Fact]
    public void Nothing_leaves_promoted_or_discarded()
    {
        foreach (var end in new[] { SwapPhase.Promoted, SwapPhase.Discarded })
        {
            foreach (var to in Enum.GetValues<SwapPhase>())
            {
                var state = At(end);
                Assert.False(state.TryMove(to));
                Assert.Equal(end, state.Phase);
            }
        }
    }

    /// <summary>A state brought to <paramref name="phase"/> by legal moves.</summary>
    private static SwapState At(SwapPhase phase)
    {
        var path = phase switch
        {
            SwapPhase.CatchingUp => [],
            SwapPhase.Staged => [SwapPhase.Staged],
            SwapPhase.Dual => [SwapPhase.Staged, SwapPhase.Dual],
            SwapPhase.Failed => [SwapPhase.Staged, SwapPhase.Failed],
            SwapPhase.Promoted => [SwapPhase.Staged, SwapPhase.Dual, SwapPhase.Promoted],
            SwapPhase.Discarded => new[] { SwapPhase.Discarded },
            _ => throw new ArgumentOutOfRangeException(nameof(phase)),
        };
        var state = new SwapState();
        foreach (var step in path)
        {
            state.Move(step);
        }

        return state;
    }
}
