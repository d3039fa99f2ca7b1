using Confluent.Kafka;
using Sidecar.Common.Kafka;

namespace Sidecar.Replicator.Checkpoints;

/// <summary>
/// The checkpoint of a partition is the last record the target holds in its remote topic: every
/// record written there carries its origin offset, and it is there only because the target
/// acknowledged it (and every record before it: the producer is idempotent and ordered). So the
/// checkpoint can never be ahead of the data, nor behind it.
/// </summary>
internal sealed class CheckpointReader : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly TimeProvider _time;

    public CheckpointReader(ConsumerConfig target, TimeProvider time, ILogger logger)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(target).SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(logger)).Build();
        _time = time;
    }

    /// <summary>
    /// The origin offset of the last record mirrored into <paramref name="remote"/>, or null when
    /// the partition is empty (or its last record was not written by a replicator).
    /// </summary>
    public long? LastOriginOffset(TopicPartition remote, string sourceDc, TimeSpan timeout)
    {
        var watermarks = _consumer.QueryWatermarkOffsets(remote, timeout);
        if (watermarks.High.Value <= 0 || watermarks.High.Value <= watermarks.Low.Value)
        {
            return null;
        }

        _consumer.Assign(new TopicPartitionOffset(remote, watermarks.High.Value - 1));
        try
        {
            var deadline = _time.GetUtcNow() + timeout;
            while (_time.GetUtcNow() < deadline)
            {
                var record = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (record is null)
                {
                    continue;
                }

                var origin = OriginHeaders.Read(record.Message.Headers);
                return origin is { } o && o.Datacenter == sourceDc ? o.Offset : null;
            }

            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"reading the last record of {remote} timed out"));
        }
        finally
        {
            _consumer.Unassign();
        }
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
