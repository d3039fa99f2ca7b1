using Microsoft.Extensions.Time.Testing;
using Sidecar.Replicator.Delivery;

namespace Sidecar.Replicator.Tests.Delivery;

public sealed class ReportClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_clock_is_read_once_per_batch_of_reports()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new ReportClock(time);
        clock.Read();
        var first = clock.Timestamp;

        time.Advance(TimeSpan.FromMilliseconds(30));
        clock.Read();

        Assert.Equal(first, clock.Timestamp);
        Assert.Equal(0.0, clock.SecondsSince(Start.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public void A_new_batch_reads_the_clock_again()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new ReportClock(time);
        clock.Read();
        var first = clock.Timestamp;

        time.Advance(TimeSpan.FromMilliseconds(30));
        clock.Invalidate();
        clock.Read();

        Assert.Equal(TimeSpan.FromMilliseconds(30), time.GetElapsedTime(first, clock.Timestamp));
        Assert.Equal(0.03, clock.SecondsSince(Start.ToUnixTimeMilliseconds()), 9);
    }

    [Fact]
    public void Latency_is_from_the_origin_timestamp_and_never_negative()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new ReportClock(time);
        clock.Read();
        var now = Start.ToUnixTimeMilliseconds();

        Assert.Equal(1.25, clock.SecondsSince(now - 1_250), 9);
        Assert.Equal(0.0, clock.SecondsSince(now + 400)); // the origin's clock is ahead of ours
    }
}
