using System.Diagnostics.Metrics;
using Sidecar.Common.Contracts;
using Sidecar.Node.Metrics;
using Sidecar.Rules.Mapping;

namespace Sidecar.Node.Rules;

/// <summary>The rules' instruments (meter <c>Sidecar.Node</c>): per rule matched, ops, dead letters and
/// evaluation time; per topic events no rule took; per source partition the lag; reloads by result.</summary>
internal sealed class RuleMetrics
{
    private readonly Counter<long> _matched;
    private readonly Counter<long> _ops;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _evaluation;
    private volatile IReadOnlyDictionary<(string Topic, int Partition), long> _lag = new Dictionary<(string, int), long>();

    public RuleMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(NodeMetrics.MeterName);
        _matched = meter.CreateCounter<long>(NodeMetricNames.RuleMatched, "Events a rule took (tag rule).");
        _ops = meter.CreateCounter<long>(NodeMetricNames.RuleOps, "Update ops a rule made (tag rule).");
        _deadLettered = meter.CreateCounter<long>(NodeMetricNames.RuleDeadLettered, "Events sent to the dead-letter topic (tag rule; 'none' when the event itself is bad).");
        _skipped = meter.CreateCounter<long>(NodeMetricNames.RuleSkipped, "Source events no rule took (tag topic).");
        _reloads = meter.CreateCounter<long>(NodeMetricNames.RulesReloads, "Rules file loads (tag result: loaded or refused).");
        _evaluation = meter.CreateHistogram(NodeMetricNames.RuleEvaluation, "Time to evaluate one rule on one event (tag rule).", RuleBuckets);
        meter.CreateObservableGauge(NodeMetricNames.RuleSourceLag, ObserveLag, "Source events not yet mapped, per partition this node owns (tags topic, partition).");
    }

    // Evaluations take a microsecond or so; the shared latency buckets start at 100 us.
    private static readonly InstrumentAdvice<double> RuleBuckets = new() { HistogramBucketBoundaries = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.01] };

    /// <summary>Every rule gets its series at zero when it comes into force: absent and zero mean different things to alerts.</summary>
    public void Known(IEnumerable<string> rules)
    {
        foreach (var rule in rules)
        {
            var tag = new KeyValuePair<string, object?>("rule", rule);
            _matched.Add(0, tag);
            _ops.Add(0, tag);
            _deadLettered.Add(0, tag);
        }
    }

    public void Record(MappedEvent mapped, string topic)
    {
        foreach (var evaluation in mapped.Evaluations)
        {
            var tag = new KeyValuePair<string, object?>("rule", evaluation.Rule.Name);
            _evaluation.Record(evaluation.Elapsed.TotalSeconds, tag);
            if (evaluation.Matched && mapped.DeadLetter is null)
            {
                _matched.Add(1, tag);
                _ops.Add(evaluation.Ops, tag);
            }
        }

        if (mapped.Skipped && mapped.Evaluations.All(e => !e.Matched))
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("topic", topic));
        }
    }

    public void DeadLettered(string? rule) => _deadLettered.Add(1, new KeyValuePair<string, object?>("rule", rule ?? "none"));

    public void Reloaded(bool loaded) => _reloads.Add(1, new KeyValuePair<string, object?>("result", loaded ? "loaded" : "refused"));

    public void Lag(IReadOnlyDictionary<(string Topic, int Partition), long> lag) => _lag = lag;

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _lag.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("topic", p.Key.Topic), new KeyValuePair<string, object?>("partition", p.Key.Partition)));
}
