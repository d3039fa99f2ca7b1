using System.Diagnostics.Metrics;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Metrics;

/// <summary>The replicator's instruments, exported at /metrics.</summary>
internal sealed class ReplicatorMetrics
{
    public const string MeterName = "Sidecar.Replicator";

    public ReplicatorMetrics(IMeterFactory meters, MirrorState state)
    {
        var meter = meters.Create(MeterName);
        // Observed, not counted per record: the delivery path adds to two plain sums instead.
        meter.CreateObservableCounter(ReplicatorMetricNames.Records, () => state.Records, "Records mirrored and acknowledged by the target.");
        meter.CreateObservableCounter(ReplicatorMetricNames.Bytes, () => state.Bytes, "Key and value bytes mirrored and acknowledged.");
        Latency = meter.CreateHistogram(ReplicatorMetricNames.Latency, "From the record's origin timestamp to the target's acknowledgement.", LatencyBuckets.Seconds);
        Gaps = meter.CreateCounter<long>(ReplicatorMetricNames.Gaps, "Partitions whose checkpoint the source no longer holds.");
        LoopsRefused = meter.CreateCounter<long>(ReplicatorMetricNames.LoopsRefused, "Records not mirrored because their origin is the target.");
        Resyncs = meter.CreateCounter<long>(ReplicatorMetricNames.Resyncs, "Restarts from the checkpoints after a failed delivery.");
        meter.CreateObservableGauge(ReplicatorMetricNames.Lag, state.LagRecords, "Source records not yet acknowledged by the target.");
        meter.CreateObservableGauge(ReplicatorMetricNames.CheckpointAge,
            () => state.Partitions.IsEmpty ? 0 : state.Partitions.Values.Max(p => p.SinceLastAck.TotalSeconds),
            "Longest time since the target acknowledged a record of a mirrored partition (heartbeats keep it low).");
        meter.CreateObservableGauge(ReplicatorMetricNames.PartitionsStopped, () => state.Stopped.Count(), "Partitions stopped by a gap.");
        meter.CreateObservableGauge(ReplicatorMetricNames.Partitions, () => state.Partitions.Count, "Partitions this instance mirrors.");
        foreach (var counter in new[] { Gaps, LoopsRefused, Resyncs })
        {
            counter.Add(0);
        }
    }

    public Histogram<double> Latency { get; }

    public Counter<long> Gaps { get; }

    public Counter<long> LoopsRefused { get; }

    public Counter<long> Resyncs { get; }
}
