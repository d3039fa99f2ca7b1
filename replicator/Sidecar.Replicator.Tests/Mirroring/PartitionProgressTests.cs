using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Tests.Mirroring;

public sealed class PartitionProgressTests
{
    [Fact]
    public void The_acknowledged_offset_only_moves_forward()
    {
        var time = new FakeTimeProvider();
        var progress = Progress(time);
        Assert.Equal(-1, progress.LastAcked);

        progress.Acked(7, time.GetTimestamp());
        progress.Acked(5, time.GetTimestamp()); // an earlier record's report, served later

        Assert.Equal(7, progress.LastAcked);
    }

    [Fact]
    public void The_time_since_the_last_acknowledgement_is_read_from_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var progress = Progress(time);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), progress.SinceLastAck);

        progress.Acked(0, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), progress.SinceLastAck);

        time.Advance(TimeSpan.FromSeconds(5));
        progress.Reset(41);
        Assert.Equal(41, progress.LastAcked);
        Assert.Equal(TimeSpan.Zero, progress.SinceLastAck);
    }

    private static PartitionProgress Progress(TimeProvider time) =>
        new("dc-a", new TopicPartition("updates", 3), new TopicPartition("dc-a.updates", 3), time);
}
