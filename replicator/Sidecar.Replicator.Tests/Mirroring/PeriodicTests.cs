using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Tests.Mirroring;

public sealed class PeriodicTests
{
    [Fact]
    public void It_is_due_first_at_its_start_then_once_a_period()
    {
        var periodic = new Periodic(period: 1_000, first: 10_000);

        Assert.False(periodic.Due(9_999));
        Assert.True(periodic.Due(10_000));
        Assert.False(periodic.Due(10_000));
        Assert.False(periodic.Due(10_999));
        Assert.True(periodic.Due(11_000));
    }

    [Fact]
    public void A_late_turn_starts_the_next_period_when_it_ran()
    {
        var periodic = new Periodic(period: 1_000, first: 10_000);

        Assert.True(periodic.Due(10_700));
        Assert.False(periodic.Due(11_699));
        Assert.True(periodic.Due(11_700));
    }
}
