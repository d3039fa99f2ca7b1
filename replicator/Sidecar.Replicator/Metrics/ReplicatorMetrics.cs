using System.Diagnostics.Metrics;
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
        meter.CreateObservableCounter("sidecar.replicator.records", () => state.Records, "{record}", "Records mirrored and acknowledged by the target.");
        meter.CreateObservableCounter("sidecar.replicator.bytes", () => state.Bytes, "By", "Key and value bytes mirrored and acknowledged.");
        Latency = meter.CreateHistogram<double>("sidecar.replicator.latency", "s", "From the record's origin timestamp to the target's acknowledgement.", tags: null, advice: LatencyBuckets.Seconds);
        Gaps = meter.CreateCounter<long>("sidecar.replicator.gaps", "{gap}", "Partitions whose checkpoint the source no longer holds.");
        LoopsRefused = meter.CreateCounter<long>("sidecar.replicator.loops_refused", "{record}", "Records not mirrored because their origin is the target.");
        Resyncs = meter.CreateCounter<long>("sidecar.replicator.resyncs", "{resync}", "Restarts from the checkpoints after a failed delivery.");
        meter.CreateObservableGauge("sidecar.replicator.lag", state.LagRecords, "{record}", "Source records not yet acknowledged by the target.");
        meter.CreateObservableGauge("sidecar.replicator.checkpoint.age",
            () => state.Partitions.IsEmpty ? 0 : state.Partitions.Values.Max(p => p.SinceLastAck.TotalSeconds), "s",
            "Longest time since the target acknowledged a record of a mirrored partition (heartbeats keep it low).");
        meter.CreateObservableGauge("sidecar.replicator.partitions.stopped", () => state.Stopped.Count(), "{partition}", "Partitions stopped by a gap.");
        meter.CreateObservableGauge("sidecar.replicator.partitions", () => state.Partitions.Count, "{partition}", "Partitions this instance mirrors.");
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
