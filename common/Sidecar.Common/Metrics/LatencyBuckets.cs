using System.Diagnostics.Metrics;

namespace Sidecar.Common.Metrics;

/// <summary>
/// Histogram buckets for latencies in seconds. The exporter's defaults (0, 5, 10, 25 ... 10000)
/// are meant for milliseconds and would put every replication or freshness latency in one bucket.
/// </summary>
public static class LatencyBuckets
{
    public static InstrumentAdvice<double> Seconds { get; } = new()
    {
        HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };
}
