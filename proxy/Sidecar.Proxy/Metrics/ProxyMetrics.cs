using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Proxy.Membership;
using Sidecar.Proxy.Routing;

namespace Sidecar.Proxy.Metrics;

/// <summary>The proxy's instruments, exported at /metrics.</summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "Sidecar.Proxy";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _passiveDown;

    public ProxyMetrics(IMeterFactory meters, MembershipStore membership)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>(ProxyMetricNames.Requests, "Attempts forwarded, per destination node and status class.");
        _duration = meter.CreateHistogram(ProxyMetricNames.RequestDuration, "Time of one attempt on a node, per destination node.", LatencyBuckets.Seconds);
        _retries = meter.CreateCounter<long>(ProxyMetricNames.Retries, "Idempotent requests sent again to the user's next node.");
        _failovers = meter.CreateCounter<long>(ProxyMetricNames.Failovers, "Requests served by another node than the user's primary, by kind (next_node, other_datacenter, last_resort).");
        _passiveDown = meter.CreateCounter<long>(ProxyMetricNames.PassiveFailures, "Nodes taken out on a failed connection.");
        meter.CreateObservableCounter(ProxyMetricNames.MembershipChanges, () => membership.Changes, "Membership snapshots published.");
        meter.CreateObservableCounter(ProxyMetricNames.MembershipRefused, () => membership.Refusals, "Membership updates refused as invalid (the previous one stayed).");
        meter.CreateObservableGauge(ProxyMetricNames.Nodes, () => Nodes(membership.Current), "Member nodes per datacenter and availability.");
        foreach (var counter in new[] { _retries, _passiveDown })
        {
            counter.Add(0);
        }
    }

    public void Attempt(Node node, int status, long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        var tags = new TagList { { "node", node.Id }, { "datacenter", node.Datacenter } };
        _duration.Record(elapsed, tags);
        tags.Add("status", StatusClasses[Math.Clamp((status / 100) - 1, 0, 4)]);
        _requests.Add(1, tags);
    }

    public void Retry() => _retries.Add(1);

    public void PassiveFailure(Node node) => _passiveDown.Add(1, new KeyValuePair<string, object?>("node", node.Id));

    public void Served(RouteKind kind)
    {
        if (kind != RouteKind.Primary)
        {
            _failovers.Add(1, new KeyValuePair<string, object?>("kind", kind switch
            {
                RouteKind.NextNode => "next_node",
                RouteKind.OtherDatacenter => "other_datacenter",
                _ => "last_resort",
            }));
        }
    }

    private static IEnumerable<Measurement<long>> Nodes(MembershipSnapshot snapshot)
    {
        for (var i = 0; i < snapshot.Datacenters.Count; i++)
        {
            var nodes = snapshot.NodesOf(i);
            var available = nodes.Count(n => n.Health.IsAvailable);
            yield return new(available, new("datacenter", snapshot.Datacenters[i]), new("state", "available"));
            yield return new(nodes.Length - available, new("datacenter", snapshot.Datacenters[i]), new("state", "down"));
        }
    }
}
