using System.Diagnostics.Metrics;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;

namespace Sidecar.Node.Metrics;

/// <summary>
/// The node's own instruments, created once per process and shared by every dataset: each
/// dataset's <see cref="NodeMetrics"/> records into them with its <c>dataset</c> attribute, and
/// each gauge reports one value per dataset. One instrument per name is what a Prometheus scrape
/// needs (two instruments of one name would be two metric families of one name).
/// </summary>
internal sealed class NodeInstruments
{
    private readonly TimeProvider _time;
    private readonly List<NodeMetrics> _datasets = [];

    public NodeInstruments(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(NodeMetrics.MeterName);
        Applied = meter.CreateCounter<long>(NodeMetricNames.UpdatesApplied, "Update records applied to the store.");
        Duplicates = meter.CreateCounter<long>(NodeMetricNames.UpdatesDuplicates, "Records skipped because their origin offset was already applied.");
        DuplicateRequests = meter.CreateCounter<long>(NodeMetricNames.RequestsDuplicates, "Records of a request whose id was applied already: applied without changing any count.");
        Replayed = meter.CreateCounter<long>(NodeMetricNames.RequestsReplayed, "Write requests whose idempotency key this node had applied: answered without producing.");
        DeadLetters = meter.CreateCounter<long>(NodeMetricNames.UpdatesDeadLetters, "Records sent to the dead-letter topic.");
        Produced = meter.CreateCounter<long>(NodeMetricNames.UpdatesProduced, "Writes accepted and produced to the local updates topic.");
        Misplaced = meter.CreateCounter<long>(NodeMetricNames.IngestMisplaced, "Records applied from another partition than the one the version's partitioned key layout puts their user in (a producer not partitioning by murmur2 of the user id).");
        ExpirySwept = meter.CreateCounter<long>(NodeMetricNames.ExpirySwept, "Users the background sweep rewrote without their expired entries (Store:ItemTtl).");
        // Its buckets are the node's view (NodeServices), which overrides any advice: batches take
        // from a tenth of a millisecond (streaming) to seconds (a catch-up's large batches).
        BatchDuration = meter.CreateHistogram<double>(NodeMetricNames.IngestBatchDuration, "Time to apply one batch to RocksDB.");
        Freshness = meter.CreateHistogram(NodeMetricNames.IngestFreshness,
            "From a record's creation in its origin datacenter's Kafka to the end of the batch that applied it here (tag origin).",
            LatencyBuckets.Seconds);
        meter.CreateObservableGauge(NodeMetricNames.IngestLag, () => Each(d => d.Lag), "Records in the assigned partitions not yet applied.");
        meter.CreateObservableGauge(NodeMetricNames.Ready, () => Each(d => d.Ready ? 1 : 0), "1 while the dataset's ingest is caught up within Kafka:MaxReadyLag (the node is ready when all are), else 0.");
        meter.CreateObservableGauge(NodeMetricNames.RolloutOverdue, () => Each(d => NodeMetrics.Overdue(d.OpenRoundDeadline, _time.GetUtcNow())),
            "Seconds the undecided rollout round this node takes part in is past its deadline (as last read); 0 when none is.");
    }

    public Counter<long> Applied { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> DuplicateRequests { get; }

    public Counter<long> Replayed { get; }

    public Counter<long> DeadLetters { get; }

    public Counter<long> Produced { get; }

    public Counter<long> Misplaced { get; }

    public Counter<long> ExpirySwept { get; }

    public Histogram<double> BatchDuration { get; }

    public Histogram<double> Freshness { get; }

    /// <summary>Adds a dataset's gauges to the ones reported.</summary>
    public void Add(NodeMetrics dataset)
    {
        lock (_datasets)
        {
            _datasets.Add(dataset);
        }
    }

    private List<Measurement<T>> Each<T>(Func<NodeMetrics, T> value)
        where T : struct
    {
        lock (_datasets)
        {
            return _datasets.Select(d => new Measurement<T>(value(d), d.Tag)).ToList();
        }
    }
}
