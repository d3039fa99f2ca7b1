namespace Sidecar.Common.Contracts;

/// <summary>The node's metrics (meter <c>Sidecar.Node</c>), read by sidecarctl, tests and benchmarks.</summary>
public static class NodeMetricNames
{
    public static readonly MetricName UpdatesApplied = new("sidecar.updates.applied", "{update}", MetricKind.Counter);
    public static readonly MetricName UpdatesDuplicates = new("sidecar.updates.duplicates", "{update}", MetricKind.Counter);
    public static readonly MetricName RequestsDuplicates = new("sidecar.requests.duplicates", "{record}", MetricKind.Counter);
    public static readonly MetricName RequestsReplayed = new("sidecar.requests.replayed", "{request}", MetricKind.Counter);
    public static readonly MetricName UpdatesDeadLetters = new("sidecar.updates.dead_letters", "{record}", MetricKind.Counter);
    public static readonly MetricName UpdatesProduced = new("sidecar.updates.produced", "{update}", MetricKind.Counter);
    public static readonly MetricName IngestMisplaced = new("sidecar.ingest.misplaced", "{record}", MetricKind.Counter);
    public static readonly MetricName ExpirySwept = new("sidecar.expiry.swept", "{user}", MetricKind.Counter);
    public static readonly MetricName IngestBatchDuration = new("sidecar.ingest.batch.duration", "s", MetricKind.Histogram);
    public static readonly MetricName IngestFreshness = new("sidecar.ingest.freshness", "s", MetricKind.Histogram);
    public static readonly MetricName IngestLag = new("sidecar.ingest.lag", "{record}", MetricKind.Gauge);

    /// <summary>1 while the node reports ready (/health/ready: caught up within Node:MaxReadyLag), else 0.</summary>
    public static readonly MetricName Ready = new("sidecar.node.ready", "{node}", MetricKind.Gauge);

    /// <summary>How far past its deadline the undecided rollout round this node takes part in is, as of
    /// the node's last read of the rollout keys; 0 when there is none or it is within its deadline.</summary>
    public static readonly MetricName RolloutOverdue = new("sidecar.rollout.overdue", "s", MetricKind.Gauge);

    // Ingest rules (tag "rule", or "topic"/"partition" for the source; "result" for reloads).
    public static readonly MetricName RuleMatched = new("sidecar.rule.matched", "{event}", MetricKind.Counter);
    public static readonly MetricName RuleOps = new("sidecar.rule.ops", "{op}", MetricKind.Counter);
    public static readonly MetricName RuleDeadLettered = new("sidecar.rule.dead_lettered", "{event}", MetricKind.Counter);
    public static readonly MetricName RuleSkipped = new("sidecar.rule.skipped", "{event}", MetricKind.Counter);
    public static readonly MetricName RuleEvaluation = new("sidecar.rule.evaluation.duration", "s", MetricKind.Histogram);
    public static readonly MetricName RuleSourceLag = new("sidecar.rule.source.lag", "{event}", MetricKind.Gauge);
    public static readonly MetricName RulesReloads = new("sidecar.rules.reloads", "{reload}", MetricKind.Counter);

}
