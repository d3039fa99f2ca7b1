using System.Diagnostics.Metrics;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Metrics;

/// <summary>
/// One dataset's view of the node's instruments (<see cref="NodeInstruments"/>), exported at
/// /metrics with ASP.NET Core's request metrics: every measurement carries the dataset's
/// <c>dataset</c> attribute, and the gauges read this view's values.
/// </summary>
internal sealed class NodeMetrics
{
    public const string MeterName = "Sidecar.Node";

    private DateTimeOffset? _openRoundDeadline;
    private bool _ready;

    public NodeMetrics(NodeInstruments instruments, DatasetScope scope)
    {
        Tag = new KeyValuePair<string, object?>(MetricAttributes.Dataset, scope.Name);
        Applied = new(instruments.Applied, Tag);
        Duplicates = new(instruments.Duplicates, Tag);
        DuplicateRequests = new(instruments.DuplicateRequests, Tag);
        Replayed = new(instruments.Replayed, Tag);
        DeadLetters = new(instruments.DeadLetters, Tag);
        Produced = new(instruments.Produced, Tag);
        ExpirySwept = new(instruments.ExpirySwept, Tag);
        Misplaced = new(instruments.Misplaced, Tag);
        BatchDuration = new(instruments.BatchDuration, Tag);
        Freshness = new(instruments.Freshness, Tag);
        instruments.Add(this);

        // Export zeros from the start: an absent series and a zero one mean different things to alerts.
        foreach (var counter in new[] { Applied, Duplicates, DuplicateRequests, Replayed, DeadLetters, Produced, ExpirySwept, Misplaced })
        {
            counter.Add(0);
        }
    }

    /// <summary>The <c>dataset</c> attribute of every measurement of this view.</summary>
    public KeyValuePair<string, object?> Tag { get; }

    public DatasetCounter Applied { get; }

    public DatasetCounter Duplicates { get; }

    public DatasetCounter DuplicateRequests { get; }

    public DatasetCounter Replayed { get; }

    public DatasetCounter DeadLetters { get; }

    public DatasetCounter Produced { get; }

    public DatasetCounter ExpirySwept { get; }

    public DatasetCounter Misplaced { get; }

    public DatasetHistogram BatchDuration { get; }

    /// <summary>Event-to-serving time; across datacenters it includes the clocks' skew.</summary>
    public DatasetHistogram Freshness { get; }

    /// <summary>Last measured consumer lag, in records.</summary>
    public long Lag { get; set; }

    /// <summary>What /health/ready says of this dataset (set with the ingest status by the lag monitor).</summary>
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

/// <summary>A counter whose every addition carries one dataset's attribute.</summary>
internal sealed class DatasetCounter(Counter<long> counter, KeyValuePair<string, object?> dataset)
{
    public Counter<long> Instrument => counter;

    public void Add(long value) => counter.Add(value, dataset);
}

/// <summary>A histogram whose every recording carries one dataset's attribute (after the caller's own).</summary>
internal sealed class DatasetHistogram(Histogram<double> histogram, KeyValuePair<string, object?> dataset)
{
    public Histogram<double> Instrument => histogram;

    public void Record(double value) => histogram.Record(value, dataset);

    public void Record(double value, KeyValuePair<string, object?> tag) => histogram.Record(value, tag, dataset);
}
