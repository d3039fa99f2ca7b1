using Confluent.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Metrics;

namespace Sidecar.Node.Ingest;

/// <summary>Records what a batch did: counts, duration and the freshness of the updates it applied.</summary>
internal sealed class BatchMetrics
{
    private readonly NodeMetrics _metrics;
    private readonly TimeProvider _time;

    public BatchMetrics(NodeMetrics metrics, TimeProvider time)
    {
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Seconds from a record's creation to <paramref name="nowMs"/>; never negative (clocks of
    /// two machines differ).</summary>
    public static double FreshnessSeconds(long nowMs, long createdMs) => Math.Max(0, nowMs - createdMs) / 1000.0;

    /// <summary>Whether a record counts for freshness: only updates applied now (a duplicate delivered
    /// again later would look stale), and only with a creation time.</summary>
    public static bool CountsForFreshness(bool fresh, TimestampType type) => fresh && type != TimestampType.NotAvailable;

    public void Record(List<DecodedRecord> batch, BatchResult result, TimeSpan duration)
    {
        _metrics.Applied.Add(result.Applied);
        _metrics.Duplicates.Add(result.Duplicates);
        _metrics.DuplicateRequests.Add(result.DuplicateRequests);
        _metrics.Misplaced.Add(result.Misplaced);
        _metrics.BatchDuration.Record(duration.TotalSeconds);
        RecordFreshness(batch, result.Fresh);
    }

    /// <summary>Only updates applied now: a duplicate delivered again later would look stale.</summary>
    private void RecordFreshness(List<DecodedRecord> batch, bool[] fresh)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            if (CountsForFreshness(fresh[i], record.Record.Message.Timestamp.Type))
            {
                var seconds = FreshnessSeconds(now, record.Record.Message.Timestamp.UnixTimestampMs);
                _metrics.Freshness.Record(seconds, new KeyValuePair<string, object?>("origin", record.Origin.Datacenter));
            }
        }
    }
}
