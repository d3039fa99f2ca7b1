using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Replicator.Assignment;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Tests.Assignment;

public sealed class PartitionAssignmentTests
{
    private static readonly TopicPartition P0 = new("updates", 0);
    private static readonly TopicPartition P1 = new("updates", 1);

    private readonly MirrorState _state = new();
    private readonly PartitionAssignment _assignment;
    private readonly FakeTimeProvider _time = new();

    public PartitionAssignmentTests() => _assignment = new PartitionAssignment(_state, NullLogger.Instance);

    [Fact]
    public void Nothing_waits_at_first() => Assert.Null(_assignment.Pending());

    [Fact]
    public void An_assigned_partition_is_mirrored_only_once_started()
    {
        _assignment.Add([P0, P1]);
        Assert.Equal(new[] { P0, P1 }, _assignment.Pending()!.OrderBy(p => p.Partition.Value));

        var progress = Progress(P0);
        _assignment.Track(progress, sourceHigh: 12);
        Assert.Same(progress, _state.Partitions[P0]);
        Assert.Equal(12, _state.SourceHigh[P0]);
        Assert.False(_assignment.IsMirroring(progress));

        _assignment.Started(P0);
        Assert.True(_assignment.IsMirroring(progress));
        Assert.Equal(new[] { P1 }, _assignment.Pending());
    }

    [Fact]
    public void A_partition_stopped_by_a_gap_is_not_mirrored()
    {
        _assignment.Add([P0]);
        var progress = Progress(P0);
        _assignment.Track(progress, sourceHigh: 0);
        progress.Gap = "records 5..9 are no longer in the source (retention)";
        _assignment.Started(P0);

        Assert.Null(_assignment.Pending());
        Assert.False(_assignment.IsMirroring(progress));
    }

    [Fact]
    public void A_released_partition_is_forgotten()
    {
        _assignment.Add([P0, P1]);
        Start(P0);
        Start(P1);
        _assignment.Add([P1]);

        _assignment.Release([P0, P1]);

        Assert.Null(_assignment.Pending());
        Assert.True(_state.Partitions.IsEmpty);
        Assert.True(_state.SourceHigh.IsEmpty);
        Assert.Null(_assignment.ProgressOf(Record(P0)));
    }

    [Fact]
    public void A_record_finds_its_partition_progress_and_a_restarted_partition_its_new_one()
    {
        var first = Start(P0);
        var other = Start(P1);
        Assert.Same(first, _assignment.ProgressOf(Record(P0)));
        Assert.Same(first, _assignment.ProgressOf(Record(P0)));
        Assert.Same(other, _assignment.ProgressOf(Record(P1)));
        Assert.Null(_assignment.ProgressOf(Record(new TopicPartition("updates", 7))));
        Assert.Null(_assignment.ProgressOf(Record(new TopicPartition("other", 0))));

        Assert.Same(first, _assignment.ProgressOf(Record(P0)));
        var second = Start(P0);

        Assert.Same(second, _assignment.ProgressOf(Record(P0)));
    }

    [Fact]
    public void A_resync_restarts_every_partition_but_those_a_gap_stopped()
    {
        Start(P0);
        Start(P1).Gap = "the checkpoint 500 is past the source's end 10 (topic recreated or truncated)";

        _assignment.RestartAll();

        Assert.Equal(new[] { P0 }, _assignment.Pending());
        Assert.False(_assignment.IsMirroring(_state.Partitions[P0]));
    }

    private PartitionProgress Start(TopicPartition tp)
    {
        var progress = Progress(tp);
        _assignment.Track(progress, sourceHigh: 0);
        _assignment.Started(tp);
        return progress;
    }

    private PartitionProgress Progress(TopicPartition tp) => new("dc-a", tp, new TopicPartition("dc-a." + tp.Topic, tp.Partition), _time);

    private static ConsumeResult<byte[], byte[]> Record(TopicPartition tp) => new()
    {
        Topic = tp.Topic,
        Partition = tp.Partition,
        Offset = 0,
        Message = new Message<byte[], byte[]> { Key = [], Value = [] },
    };
}
