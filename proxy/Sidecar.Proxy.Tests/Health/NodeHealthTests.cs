using Microsoft.Extensions.Time.Testing;
using Sidecar.Proxy.Health;

namespace Sidecar.Proxy.Tests.Health;

public sealed class NodeHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Since_is_the_time_of_the_last_change_of_state_not_of_the_last_report()
    {
        var time = new FakeTimeProvider(Start);
        var health = new NodeHealth(time);
        Assert.Equal(Start, health.Since);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(health.MarkDown("connection refused"));
        Assert.Equal(Start.AddSeconds(5), health.Since);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(health.MarkDown("connection refused again"));
        Assert.Equal(Start.AddSeconds(5), health.Since);
        Assert.Equal("connection refused again", health.Reason);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(health.ActiveCheckPassed());
        Assert.True(health.IsAvailable);
        Assert.Equal(Start.AddSeconds(15), health.Since);
    }

    [Fact]
    public void Active_checks_take_a_node_out_only_after_fall_failures_in_a_row()
    {
        var time = new FakeTimeProvider(Start);
        var health = new NodeHealth(time);
        Assert.False(health.ActiveCheckFailed("timeout", fall: 2));
        Assert.True(health.IsAvailable);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(health.ActiveCheckFailed("timeout", fall: 2));
        Assert.False(health.IsAvailable);
        Assert.Equal(Start.AddSeconds(1), health.Since);
    }
}
