namespace Sidecar.Common.Contracts;

/// <summary>The replicator's metrics (meter <c>Sidecar.Replicator</c>), read by sidecarctl, tests and benchmarks.</summary>
public static class ReplicatorMetricNames
{
    public static readonly MetricName Records = new("sidecar.replicator.records", "{record}", MetricKind.Counter);
    public static readonly MetricName Bytes = new("sidecar.replicator.bytes", "By", MetricKind.Counter);
    public static readonly MetricName Latency = new("sidecar.replicator.latency", "s", MetricKind.Histogram);
    public static readonly MetricName Gaps = new("sidecar.replicator.gaps", "{gap}", MetricKind.Counter);
    public static readonly MetricName LoopsRefused = new("sidecar.replicator.loops_refused", "{record}", MetricKind.Counter);
    public static readonly MetricName Resyncs = new("sidecar.replicator.resyncs", "{resync}", MetricKind.Counter);
    public static readonly MetricName Lag = new("sidecar.replicator.lag", "{record}", MetricKind.Gauge);
    public static readonly MetricName CheckpointAge = new("sidecar.replicator.checkpoint.age", "s", MetricKind.Gauge);
    public static readonly MetricName PartitionsStopped = new("sidecar.replicator.partitions.stopped", "{partition}", MetricKind.Gauge);
    public static readonly MetricName Partitions = new("sidecar.replicator.partitions", "{partition}", MetricKind.Gauge);
}
