namespace Sidecar.Common.Contracts;

/// <summary>The proxy's metrics (meter <c>Sidecar.Proxy</c>), read by sidecarctl and tests.</summary>
public static class ProxyMetricNames
{
    public static readonly MetricName Requests = new("sidecar.proxy.requests", "{request}", MetricKind.Counter);
    public static readonly MetricName RequestDuration = new("sidecar.proxy.request.duration", "s", MetricKind.Histogram);
    public static readonly MetricName Retries = new("sidecar.proxy.retries", "{retry}", MetricKind.Counter);
    public static readonly MetricName Failovers = new("sidecar.proxy.failovers", "{request}", MetricKind.Counter);
    public static readonly MetricName PassiveFailures = new("sidecar.proxy.passive_failures", "{failure}", MetricKind.Counter);
    public static readonly MetricName MembershipChanges = new("sidecar.proxy.membership.changes", "{change}", MetricKind.Counter);
    public static readonly MetricName MembershipRefused = new("sidecar.proxy.membership.refused", "{update}", MetricKind.Counter);
    public static readonly MetricName Nodes = new("sidecar.proxy.nodes", "{node}", MetricKind.Gauge);
}
