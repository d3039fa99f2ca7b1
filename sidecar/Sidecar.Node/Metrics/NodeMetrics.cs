using System.Diagnostics.Metrics;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;

namespace Sidecar.Node.Metrics;

/// <summary>The node's own instruments, exported at /metrics with ASP.NET Core's request metrics.</summary>
internal sealed class NodeMetrics
{
    public const string MeterName = "Sidecar.Node";

    private readonly TimeProvider _time;
    private DateTimeOffset? _openRoundDeadline;
    private bool _ready;

    public NodeMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        Applied = meter.CreateCounter<long>(NodeMetricNames.UpdatesApplied, "Update records applied to the store.");
        Duplicates = meter.CreateCounter<long>(NodeMetricNames.UpdatesDuplicates, "Records skipped because their origin offset was already applied.");
        DuplicateRequests = meter.CreateCounter<long>(NodeMetricNames.RequestsDuplicates, "Records of a request whose id was applied already: applied without changing any count.");
        Replayed = meter.CreateCounter<long>(NodeMetricNames.RequestsReplayed, "Write requests whose idempotency key this node had applied: answered without producing.");
        DeadLetters = meter.CreateCounter<long>(NodeMetricNames.UpdatesDeadLetters, "Records sent to the dead-letter topic.");
        Produced = meter.CreateCounter<long>(NodeMetricNames.UpdatesProduced, "Writes accepted and produced to the local updates topic.");
        // Its buckets are the node's view (NodeServices), which overrides any advice: batches take
        // from a tenth of a millisecond (streaming) to seconds (a catch-up's large batches).
        BatchDuration = meter.CreateHistogram<double>(NodeMetricNames.IngestBatchDuration, "Time to apply one batch to RocksDB.");
        Freshness = meter.CreateHistogram(NodeMetricNames.IngestFreshness,
            "From a record's creation in its origin datacenter's Kafka to the end of the batch that applied it here (tag origin).",
            LatencyBuckets.Seconds);
        meter.CreateObservableGauge(NodeMetricNames.IngestLag, () => Lag, "Records in the assigned partitions not yet applied.");
        meter.CreateObservableGauge(NodeMetricNames.Ready, () => Ready ? 1 : 0, "1 while the node reports ready (caught up within Node:MaxReadyLag), else 0.");
        meter.CreateObservableGauge(NodeMetricNames.RolloutOverdue, () => Overdue(_openRoundDeadline, _time.GetUtcNow()),
            "Seconds the undecided rollout round this node takes part in is past its deadline (as last read); 0 when none is.");

        // Export zeros from the start: an absent series and a zero one mean different things to alerts.
        foreach (var counter in new[] { Applied, Duplicates, DuplicateRequests, Replayed, DeadLetters, Produced })
        {
            counter.Add(0);
        }
    }

    public Counter<long> Applied { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> DuplicateRequests { get; }

    public Counter<long> Replayed { get; }

    public Counter<long> DeadLetters { get; }

    public Counter<long> Produced { get; }

    public Histogram<double> BatchDuration { get; }

    /// <summary>Event-to-serving time; across datacenters it includes the clocks' skew.</summary>
    public Histogram<double> Freshness { get; }

    /// <summary>Last measured consumer lag, in records.</summary>
    public long Lag { get; set; }

    /// <summary>What /health/ready says (set with the ingest status by the lag monitor).</summary>
    public bool Ready
    {
        get => Volatile.Read(ref _ready);
        set => Volatile.Write(ref _ready, value);
    }

    /// <summary>The deadline of the undecided round this node takes part in, as last read; null when none.</summary>
    public DateTimeOffset? OpenRoundDeadline
    {
        get => _openRoundDeadline;
        set => _openRoundDeadline = value;
    }

    /// <summary>Seconds past <paramref name="deadline"/> at <paramref name="now"/>, 0 before it or without one.</summary>
    public static double Overdue(DateTimeOffset? deadline, DateTimeOffset now) =>
        deadline is { } d && now > d ? (now - d).TotalSeconds : 0;
}
