using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Consul;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Store.Rollout;

namespace Sidecar.Cli.Cluster;

/// <summary>
/// The one place that gathers the cluster's facts for <c>sidecarctl status</c> and the dashboard:
/// Consul health per datacenter (<c>?dc=</c>), each datacenter's rollout keys, each node's
/// <c>/admin/status</c> and <c>/metrics</c>, each replicator's and proxy's <c>/metrics</c>. Keeps the
/// previous scrape of every URL, so that rates and latencies cover the time between two reads.
/// Nothing it cannot reach stops a read: that part is shown with its error.
/// </summary>
public sealed class ClusterReader
{
    private static readonly string NodeRequests = PlatformMetricNames.HttpServerRequestDuration.Exported;
    private const string UserRoutes = "http_route=\"/v1/users/";

    private readonly ConsulClient _consul;
    private readonly RolloutKeys _keys;
    private readonly ClusterTargets _targets;
    private readonly HttpClient _http;
    private readonly Dictionary<string, Queue<(string Text, DateTimeOffset At)>> _previous = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly string _dataset;

    /// <param name="keys">The rollout keys of <paramref name="dataset"/>.</param>
    /// <param name="time">The clock of the facts' time and of the rates between scrapes; the system's by default.</param>
    /// <param name="dataset">The dataset whose versions and rollout are shown (the nodes' <c>/admin/status?dataset=</c>).</param>
    public ClusterReader(ConsulClient consul, RolloutKeys keys, ClusterTargets targets, HttpClient http, TimeProvider? time = null, string dataset = DatasetName.Default)
    {
        _dataset = dataset;
        _time = time ?? TimeProvider.System;
        _consul = consul;
        _keys = keys;
        _targets = targets;
        _http = http;
    }

    public async Task<ClusterFacts> ReadAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        IReadOnlyList<string> names;
        try
        {
            names = await _consul.Catalog.DatacentersAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or ConsulException or TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            names = [];
            problems.Add($"Consul: {e.Message}");
        }

        var datacenters = Task.WhenAll(names.Order(StringComparer.Ordinal).Select(dc => DatacenterAsync(dc, cancellationToken)));
        var replicators = Task.WhenAll(_targets.Replicators.Select(r => ReplicatorAsync(r, cancellationToken)));
        var proxies = Task.WhenAll(_targets.Proxies.Select(p => ProxyAsync(p, cancellationToken)));
        return new ClusterFacts(_time.GetUtcNow(), Show(_consul.Options.Address), await datacenters, await replicators, await proxies, problems, _dataset);
    }

    /// <summary>Where each proxy sends <paramref name="userId"/> now.</summary>
    public async Task<UserRoute> RouteAsync(string userId, CancellationToken cancellationToken)
    {
        var routes = await Task.WhenAll(_targets.Proxies.Select(async proxy =>
        {
            try
            {
                var route = await _http.GetFromJsonAsync(new Uri(proxy, "/proxy/route/" + Uri.EscapeDataString(userId)), AdminJson.Default.RouteExplanation, cancellationToken)
                    ?? throw new JsonException("/proxy/route answered null");
                var order = route.Order?.Select(d => d.Datacenter ?? "").ToList() ?? [];
                return new ProxyRoute(Show(proxy), route.PreferredDatacenter, route.Node, route.Datacenter, route.Kind, route.Reason, order, null);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new ProxyRoute(Show(proxy), null, null, null, null, null, [], e.Message);
            }
        }));
        return new UserRoute(userId, routes);
    }

    private async Task<DatacenterFacts> DatacenterAsync(string dc, CancellationToken cancellationToken)
    {
        var query = new ConsulQuery { Datacenter = dc };
        try
        {
            var instances = _consul.Health.ServiceAsync(_targets.ServiceName, passingOnly: false, query, cancellationToken);
            var rollout = RolloutReader.ReadAsync(_consul, _keys, cancellationToken, query);
            var nodes = await Task.WhenAll((await instances).Value
                .OrderBy(s => NodeId(s), StringComparer.Ordinal)
                .Select(s => NodeAsync(s, dc, cancellationToken)));
            var status = await rollout;
            return new DatacenterFacts(dc, status.CommittedVersion, Rollout(status), nodes, null);
        }
        catch (Exception e) when (e is HttpRequestException or ConsulException or TimeoutException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DatacenterFacts(dc, null, null, [], e.Message);
        }
    }

    private static RolloutFacts? Rollout(RolloutStatus status)
    {
        var pending = status.Request is { } r ? $"{r.Version} (scope {r.Scope}, by {r.RequestedBy})" : null;
        if (status.Round is not { } round)
        {
            return pending is null ? null : new RolloutFacts(0, status.Request!.Version, status.Request.Scope, "", "requested", null, true, [], pending);
        }

        var p = round.Proposal;
        var votes = p.Participants.Select(participant =>
        {
            var vote = round.VoteOf(participant.Node);
            var ack = round.Acks.FirstOrDefault(a => a.Node == participant.Node)?.Outcome;
            return new VoteFacts(participant.Node, participant.Datacenter, vote is null ? "none" : vote.Vote.Yes ? "yes" : "no",
                vote?.Vote.Reason, vote is { Alive: false }, ack);
        }).ToList();
        var decided = round.Decision;
        // A round stays "in progress" until it is decided and every live participant acknowledged.
        var inProgress = decided is null || (decided.Committed && votes.Any(v => !v.SessionLost && v.Ack is null));
        return new RolloutFacts(p.Round, p.Version, p.Scope, p.Coordinator, decided?.Outcome ?? "pending", decided?.Reason, inProgress, votes, pending);
    }

    private async Task<NodeFacts> NodeAsync(ServiceHealth instance, string dc, CancellationToken cancellationToken)
    {
        var id = NodeId(instance);
        var url = new Uri($"http://{(string.IsNullOrEmpty(instance.Service.Address) ? instance.Node.Address : instance.Service.Address)}:{instance.Service.Port}");
        var health = instance.Checks.Any(c => c.Status == "critical") ? "critical" : instance.Checks.Any(c => c.Status == "warning") ? "warning" : "passing";
        var output = string.Join("; ", instance.Checks.Where(c => c.Status != "passing" && !string.IsNullOrEmpty(c.Output)).Select(c => c.Output));
        // The version a node registers in Consul is its default dataset's.
        var registered = _dataset == DatasetName.Default ? instance.Service.Meta?.GetValueOrDefault(ServiceMetaKeys.Version) : null;
        var datasets = ServiceMetaKeys.Datasets(instance.Service.Meta);
        try
        {
            var statusPath = _dataset == DatasetName.Default ? "/admin/status" : "/admin/status?dataset=" + Uri.EscapeDataString(_dataset);
            var statusTask = _http.GetFromJsonAsync(new Uri(url, statusPath), AdminJson.Default.NodeStatus, cancellationToken);
            var scrape = await ScrapeAsync(url, cancellationToken);
            var status = await statusTask ?? throw new JsonException("/admin/status answered null");
            var (text, before, seconds) = scrape;
            double? rate = null, mean = null, p99 = null;
            if (before is not null)
            {
                var requests = Delta(text, before, NodeRequests + "_count", UserRoutes);
                rate = requests / seconds;
                mean = requests > 0 ? Delta(text, before, NodeRequests + "_sum", UserRoutes) / requests * 1000 : null;
                p99 = requests > 0 ? PrometheusText.Quantile(before, text, NodeRequests, 0.99, UserRoutes) * 1000 : null;
            }

            return new NodeFacts(id, dc, Show(url), health, NullIfEmpty(output), registered, status.Version,
                status.CaughtUp, status.Lag, PrometheusText.Sum(text, NodeMetricNames.UpdatesApplied.Exported), rate, mean, p99, null, status.Rules, datasets);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new NodeFacts(id, dc, Show(url), health == "passing" ? "unreachable" : health, NullIfEmpty(output), registered,
                null, null, null, null, null, null, null, e.Message, Datasets: datasets);
        }
    }

    private async Task<ReplicatorFacts> ReplicatorAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            var status = await _http.GetFromJsonAsync(new Uri(url, "/admin/status"), AdminJson.Default.ReplicatorStatus, cancellationToken)
                ?? throw new JsonException("/admin/status answered null");
            var (text, before, seconds) = await ScrapeAsync(url, cancellationToken);
            // Its direction is in its own status (from its configuration), also before any partition is assigned.
            var (source, target) = (status.Source, status.Target);
            double? rate = null, p99 = null;
            if (before is not null)
            {
                rate = Delta(text, before, ReplicatorMetricNames.Records.Exported, "") / seconds;
                var latency = PrometheusText.Quantile(before, text, ReplicatorMetricNames.Latency.Exported, 0.99);
                p99 = double.IsNaN(latency) ? null : latency * 1000;
            }

            return new ReplicatorFacts(Show(url), source, target, true, PrometheusText.Sum(text, ReplicatorMetricNames.Lag.Exported),
                PrometheusText.Sum(text, ReplicatorMetricNames.Records.Exported), rate, p99, PrometheusText.Sum(text, ReplicatorMetricNames.Gaps.Exported),
                (int)PrometheusText.Sum(text, ReplicatorMetricNames.PartitionsStopped.Exported), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ReplicatorFacts(Show(url), "?", "?", false, null, null, null, null, null, null, e.Message);
        }
    }

    private async Task<ProxyFacts> ProxyAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            var (text, before, seconds) = await ScrapeAsync(url, cancellationToken);
            double? rate = before is null ? null : Delta(text, before, ProxyMetricNames.Requests.Exported, "") / seconds;
            // In "local" mode (the default) a proxy prefers its own datacenter for every user.
            var route = await _http.GetFromJsonAsync(new Uri(url, "/proxy/route/-"), AdminJson.Default.RouteExplanation, cancellationToken)
                ?? throw new JsonException("/proxy/route answered null");
            var datacenter = route.Mode == "local" ? route.PreferredDatacenter : null;
            return new ProxyFacts(Show(url), datacenter, true, rate, PrometheusText.Sum(text, ProxyMetricNames.Retries.Exported), PrometheusText.Sum(text, ProxyMetricNames.Failovers.Exported), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ProxyFacts(Show(url), null, false, null, null, null, e.Message);
        }
    }

    /// <summary>
    /// Scrapes <c>/metrics</c>; returns it with the newest earlier scrape of the same URL that is at
    /// least half a second old (several readers of one dashboard each get a rate) and the seconds between.
    /// </summary>
    private async Task<(string Text, string? Before, double Seconds)> ScrapeAsync(Uri url, CancellationToken cancellationToken)
    {
        var text = await _http.GetStringAsync(new Uri(url, "/metrics"), cancellationToken);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_previous.TryGetValue(url.ToString(), out var history))
            {
                history = new Queue<(string Text, DateTimeOffset At)>();
                _previous[url.ToString()] = history;
            }

            var before = history.LastOrDefault(h => now - h.At >= TimeSpan.FromMilliseconds(500));
            history.Enqueue((text, now));
            while (history.Count > 8 || (history.Count > 1 && now - history.Peek().At > TimeSpan.FromSeconds(30)))
            {
                history.Dequeue();
            }

            return (text, before.Text, before.Text is null ? 0 : (now - before.At).TotalSeconds);
        }
    }

    private static double Delta(string after, string before, string name, string labels) =>
        Math.Max(0, PrometheusText.Sum(after, name, labels) - PrometheusText.Sum(before, name, labels));

    private static string NodeId(ServiceHealth s) => s.Service.Meta?.GetValueOrDefault(ServiceMetaKeys.Node) ?? s.Service.Id;

    /// <summary>A URL as an operator writes it: no trailing slash.</summary>
    private static string Show(Uri url) => url.ToString().TrimEnd('/');

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    public static string Format(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
