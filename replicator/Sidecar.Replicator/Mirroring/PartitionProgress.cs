using Confluent.Kafka;
using Sidecar.Common.Kafka;

namespace Sidecar.Replicator.Mirroring;

/// <summary>What one instance knows of a source partition it mirrors. Written by the consume loop
/// (which also serves the delivery reports) and read by health checks and metrics, hence the atomics.</summary>
internal sealed class PartitionProgress
{
    private readonly byte[] _origin;
    private readonly Headers _originOnly;
    private readonly TimeProvider _time;
    private long _lastAcked = -1;
    private long _lastAckAt;

    public PartitionProgress(string sourceDatacenter, TopicPartition source, TopicPartition remote, TimeProvider time)
    {
        Source = source;
        Remote = remote;
        _time = time;
        _lastAckAt = time.GetTimestamp();
        _origin = OriginHeaders.Encode(sourceDatacenter, source.Topic, source.Partition.Value, 0);
        _originOnly = new Headers { { OriginHeaders.Name, _origin } };
    }

    public TopicPartition Source { get; }

    public TopicPartition Remote { get; }

    /// <summary>Highest source offset the target has acknowledged.</summary>
    public long LastAcked => Interlocked.Read(ref _lastAcked);

    /// <summary>Set when a gap stopped this partition (policy Stop).</summary>
    public string? Gap { get; set; }

    public TimeSpan SinceLastAck => _time.GetElapsedTime(Interlocked.Read(ref _lastAckAt));

    /// <param name="sourceOffset">The acknowledged record's source offset.</param>
    /// <param name="now">A timestamp of the <see cref="TimeProvider"/> given at construction: read once for a batch of reports, not per record.</param>
    public void Acked(long sourceOffset, long now)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _lastAcked);
            if (sourceOffset <= current)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _lastAcked, sourceOffset, current) != current);

        Interlocked.Exchange(ref _lastAckAt, now);
    }

    /// <summary>
    /// The headers of a mirrored record that had none: only the origin header, for this offset.
    /// One instance is rewritten for every record of the partition: the client copies headers
    /// into the native message inside Produce, so nothing holds on to them afterwards. Only the
    /// consume loop's thread calls this.
    /// </summary>
    public Headers OriginOnly(long sourceOffset)
    {
        OriginHeaders.SetOffset(_origin, sourceOffset);
        return _originOnly;
    }

    /// <summary>Starts over from a checkpoint (assignment or resync).</summary>
    public void Reset(long lastAcked)
    {
        Interlocked.Exchange(ref _lastAcked, lastAcked);
        Interlocked.Exchange(ref _lastAckAt, _time.GetTimestamp());
    }
}
