using Sidecar.Node.Coordination.Decisions;

namespace Sidecar.Node.Tests.Coordination;

public sealed class RoundPruningTests
{
    [Fact]
    public void All_but_the_newest_rounds_are_stale_oldest_first()
    {
        // Rounds come from key names: a round with several keys is listed several times.
        Assert.Equal([3UL, 5UL], RoundPruning.Stale([9, 5, 12, 3, 5, 9, 20], keep: 3));
    }

    [Fact]
    public void Nothing_is_stale_while_there_are_no_more_rounds_than_kept()
    {
        Assert.Empty(RoundPruning.Stale([1, 2], keep: 3));
        Assert.Empty(RoundPruning.Stale([], keep: 0));
        Assert.Equal([1UL, 2UL], RoundPruning.Stale([2, 1], keep: 0));
    }
}
