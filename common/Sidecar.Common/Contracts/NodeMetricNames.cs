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
    public static readonly MetricName IngestBatchDuration = new("sidecar.ingest.batch.duration", "s", MetricKind.Histogram);
    public static readonly MetricName IngestFreshness = new("sidecar.ingest.freshness", "s", MetricKind.Histogram);
    public static readonly MetricName IngestLag = new("sidecar.ingest.lag", "{record}", MetricKind.Gauge);

    /// <summary>ASP.NET Core's request duration (meter <c>Microsoft.AspNetCore.Hosting</c>): the node
    /// gives it its own buckets and sidecarctl reads the user routes' rate and latency from it.</summary>
    public static readonly MetricName HttpServerRequestDuration = new("http.server.request.duration", "s", MetricKind.Histogram);
}
