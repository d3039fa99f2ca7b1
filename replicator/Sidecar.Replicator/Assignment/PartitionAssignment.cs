using Confluent.Kafka;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Assignment;

/// <summary>
/// Rebalance bookkeeping: which partitions of the source group this instance owns, which of them
/// wait to be started from their checkpoint (<see cref="PartitionStarter"/>) and which are
/// mirrored. The consumer's rebalance handlers add and release partitions; the loop starts them
/// and looks up each record's progress here.
/// </summary>
internal sealed class PartitionAssignment
{
    private readonly MirrorState _state;
    private readonly ILogger _logger;
    private readonly HashSet<TopicPartition> _pending = [];
    private volatile int _pendingCount;
    private PartitionProgress? _last; // the consume loop's last partition: records come in runs of one partition

    public PartitionAssignment(MirrorState state, ILogger logger)
    {
        _state = state;
        _logger = logger;
    }

    /// <summary>
    /// Partitions to start (again) from their checkpoint before anything of theirs is mirrored:
    /// newly assigned, or whose offset the source no longer has.
    /// </summary>
    public void Add(IEnumerable<TopicPartition> partitions)
    {
        lock (_pending)
        {
            _pending.UnionWith(partitions);
            _pendingCount = _pending.Count;
        }
    }

    /// <summary>After a failed delivery: every partition a gap did not stop starts again from its checkpoint.</summary>
    public void RestartAll()
    {
        Add(_state.Partitions.Values.Where(p => p.Gap is null).Select(p => p.Source));
        _last = null;
    }

    /// <summary>The partitions waiting to be started; null when none wait.</summary>
    public List<TopicPartition>? Pending()
    {
        lock (_pending)
        {
            return _pending.Count == 0 ? null : [.. _pending];
        }
    }

    /// <summary>A partition's new progress, from its checkpoint, and the source's end (for lag).</summary>
    public void Track(PartitionProgress progress, long sourceHigh)
    {
        _last = null;
        _state.Partitions[progress.Source] = progress;
        _state.SourceHigh[progress.Source] = sourceHigh;
    }

    /// <summary>The partition no longer waits: it was sought to where it resumes, or a gap stopped it.</summary>
    public void Started(TopicPartition partition)
    {
        lock (_pending)
        {
            _pending.Remove(partition);
            _pendingCount = _pending.Count;
        }
    }

    /// <summary>The partitions were revoked or lost: this instance no longer mirrors them.</summary>
    public void Release(IEnumerable<TopicPartition> partitions)
    {
        var released = partitions.ToList();
        lock (_pending)
        {
            _pending.ExceptWith(released);
            _pendingCount = _pending.Count;
        }

        _last = null;

        foreach (var tp in released)
        {
            _state.Partitions.TryRemove(tp, out _);
            _state.SourceHigh.TryRemove(tp, out _);
        }

        _logger.LogInformation("Released {Partitions}", string.Join(", ", released));
    }

    /// <summary>The progress of a record's partition; null when this instance does not mirror it.</summary>
    public PartitionProgress? ProgressOf(ConsumeResult<byte[], byte[]> record)
    {
        var last = _last;
        if (last is not null && last.Source.Partition.Value == record.Partition.Value && string.Equals(last.Source.Topic, record.Topic, StringComparison.Ordinal))
        {
            return last;
        }

        _last = _state.Partitions.TryGetValue(record.TopicPartition, out var progress) ? progress : null;
        return _last;
    }

    /// <summary>Whether a partition's records are mirrored now: it was started, and no gap stopped it.</summary>
    public bool IsMirroring(PartitionProgress progress) => progress.Gap is null && !IsPending(progress.Source);

    private bool IsPending(TopicPartition tp)
    {
        if (_pendingCount == 0)
        {
            return false;
        }

        lock (_pending)
        {
            return _pending.Contains(tp);
        }
    }
}
