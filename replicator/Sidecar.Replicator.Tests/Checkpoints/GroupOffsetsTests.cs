using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Replicator.Checkpoints;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Tests.Checkpoints;

public sealed class GroupOffsetsTests
{
    [Fact]
    public void Each_partition_with_an_acknowledged_record_commits_the_offset_after_it()
    {
        var time = new FakeTimeProvider();
        var none = Progress(0, time);
        var first = Progress(1, time);
        first.Reset(0);
        var later = Progress(2, time);
        later.Reset(41);
        later.Acked(57, time.GetTimestamp());

        var offsets = GroupOffsets.Of([none, first, later]);

        Assert.Equal(new[] { new TopicPartitionOffset("updates", 1, 1), new TopicPartitionOffset("updates", 2, 58) }, offsets);
    }

    [Fact]
    public void Nothing_acknowledged_commits_nothing() =>
        Assert.Empty(GroupOffsets.Of([Progress(0, new FakeTimeProvider())]));

    private static PartitionProgress Progress(int partition, TimeProvider time) =>
        new("dc-a", new TopicPartition("updates", partition), new TopicPartition("dc-a.updates", partition), time);
}
