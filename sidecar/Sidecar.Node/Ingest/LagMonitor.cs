using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Metrics;

namespace Sidecar.Node.Ingest;

/// <summary>
/// Measures ingest's lag (records in the assigned partitions not yet applied) and from it
/// readiness: a node that serves stale data must not receive traffic.
/// </summary>
internal sealed class LagMonitor
{
    private readonly ApplyProgress _progress;
    private readonly IngestStatus _status;
    private readonly NodeMetrics _metrics;
    private readonly long _maxReadyLag;
    private readonly ILogger<LagMonitor> _logger;

    public LagMonitor(ApplyProgress progress, IngestStatus status, NodeMetrics metrics, IOptions<KafkaOptions> options, ILogger<LagMonitor> logger)
    {
        _progress = progress;
        _status = status;
        _metrics = metrics;
        _maxReadyLag = options.Value.MaxReadyLag;
        _logger = logger;
    }

    /// <summary>Records of a partition not applied yet: from the next offset to apply (0 before any) to the high watermark.</summary>
    public static long PartitionLag(long high, long? next) => Math.Max(0, high - (next ?? 0));

    /// <summary>Ready once the lag over every assigned partition is within the bound.</summary>
    public static bool IsCaughtUp(long lag, long maxReadyLag) => lag <= maxReadyLag;

    public void Measure(IConsumer<byte[], byte[]> consumer, IReadOnlyCollection<TopicPartition> assigned)
    {
        if (assigned.Count == 0)
        {
            return;
        }

        long lag = 0;
        try
        {
            foreach (var tp in assigned)
            {
                var high = consumer.GetWatermarkOffsets(tp).High;
                if (high == Offset.Unset)
                {
                    // No fetch answered yet for this partition: ask the broker.
                    high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(1)).High;
                }

                lag += PartitionLag(high.Value, _progress.Next(tp));
            }
        }
        catch (KafkaException e)
        {
            _status.LastError = "watermarks: " + e.Error.Reason;
            return;
        }

        _status.Lag = lag;
        _metrics.Lag = lag;
        var caughtUp = IsCaughtUp(lag, _maxReadyLag);
        if (caughtUp != _status.CaughtUp)
        {
            _logger.LogInformation(caughtUp ? "Caught up (lag {Lag})" : "Fell behind (lag {Lag})", lag);
        }

        _status.CaughtUp = caughtUp;
        _metrics.Ready = caughtUp;
    }

    /// <summary>Ingest stopped: not ready any more.</summary>
    public void Stopped()
    {
        _status.CaughtUp = false;
        _metrics.Ready = false;
    }
}
