using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Stack.Tests;

/// <summary>
/// The stack's real Prometheus (Debian's package) scrapes every node, proxy and replicator and
/// evaluates compose's alert rules: every target is up, the nodes' own series arrive with their
/// labels, and every rule is loaded and healthy.
/// </summary>
public sealed partial class StackTests
{
    [Fact]
    public async Task Prometheus_scrapes_every_node_proxy_and_replicator_and_evaluates_the_alert_rules()
    {
        // 2 datacenters × 2 nodes, 2 proxies, 2 replicators: all up.
        JsonElement targets = default;
        await Wait.UntilAsync(Stack.Process, "every Prometheus target up", async () =>
        {
            targets = (await Http.GetFromJsonAsync<JsonElement>($"{Stack.Prometheus}/api/v1/targets?state=active")).GetProperty("data").GetProperty("activeTargets");
            return targets.GetArrayLength() == 8 && targets.EnumerateArray().All(t => t.GetProperty("health").GetString() == "up");
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(["sidecar-node", "sidecar-node", "sidecar-node", "sidecar-node", "sidecar-proxy", "sidecar-proxy", "sidecar-replicator", "sidecar-replicator"],
            targets.EnumerateArray().Select(t => t.GetProperty("labels").GetProperty("job").GetString()).Order());

        // The nodes' readiness, one series per node and dataset, labelled with both and the datacenter.
        JsonElement ready = default;
        await Wait.UntilAsync(Stack.Process, "every node's readiness in Prometheus", async () =>
        {
            ready = await QueryAsync("sidecar_node_ready");
            return ready.GetArrayLength() == 12;
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(
            [.. new[] { "a1", "a2", "b1", "b2" }.SelectMany(n => new[] { "default", "recent", "segments" }.Select(d => $"dc-{n[0]} {n} {d}"))],
            ready.EnumerateArray().Select(s => s.GetProperty("metric")).Select(m => $"{m.GetProperty("datacenter").GetString()} {m.GetProperty("node").GetString()} {m.GetProperty("dataset").GetString()}").Order());
        Assert.NotEmpty((await QueryAsync("sidecar_replicator_lag")).EnumerateArray());
        // The jobs are those the alert rules select (SidecarProcessDown watches exactly these).
        Assert.Equal(8, (await QueryAsync("""up{job=~"sidecar-(node|proxy|replicator)"} == 1""")).GetArrayLength());

        // compose's alert rules, every one loaded and evaluated without error.
        var groups = (await Http.GetFromJsonAsync<JsonElement>($"{Stack.Prometheus}/api/v1/rules")).GetProperty("data").GetProperty("groups");
        var rules = groups.EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.Contains(rules, r => r.GetProperty("name").GetString() == "SidecarNodeNotReady");
        Assert.Equal(11, rules.Count);
        await Wait.UntilAsync(Stack.Process, "every alert rule evaluated", async () =>
        {
            var evaluated = (await Http.GetFromJsonAsync<JsonElement>($"{Stack.Prometheus}/api/v1/rules")).GetProperty("data").GetProperty("groups")
                .EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
            return evaluated.All(r => r.GetProperty("health").GetString() == "ok");
        }, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Every_expression_of_the_grafana_dashboard_runs_on_the_stacks_prometheus()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "compose", "grafana", "sidecar.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.NotEmpty(expressions);

        // Once every process is scraped (gauges and working sets answer after one scrape; rates need
        // two, histograms traffic):
        await Wait.UntilAsync(Stack.Process, "data behind the dashboard's node and process panels", async () =>
            (await QueryAsync("""min by (node, dataset) (sidecar_node_ready{datacenter=~".+", dataset=~".+"})""")).GetArrayLength() == 12
            && (await QueryAsync("sum by (job, instance) (dotnet_process_memory_working_set_bytes)")).GetArrayLength() == 8, TimeSpan.FromSeconds(60));

        // As Grafana sends them with "All" chosen: every datacenter and dataset, a 1-minute rate window.
        var problems = new List<string>();
        var withData = 0;
        foreach (var expression in expressions)
        {
            var query = expression.Replace("$datacenter", ".+").Replace("$dataset", ".+").Replace("$__rate_interval", "1m");
            using var response = await Http.GetAsync($"{Stack.Prometheus}/api/v1/query?query={Uri.EscapeDataString(query)}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (!response.IsSuccessStatusCode || body.GetProperty("status").GetString() != "success")
            {
                problems.Add($"{query}: {(int)response.StatusCode} {body}");
            }
            else if (body.GetProperty("data").GetProperty("result").GetArrayLength() > 0)
            {
                withData++;
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(withData >= 3, $"only {withData} of {expressions.Count} expressions returned series");
    }

    private async Task<JsonElement> QueryAsync(string query) =>
        (await Http.GetFromJsonAsync<JsonElement>($"{Stack.Prometheus}/api/v1/query?query={Uri.EscapeDataString(query)}")).GetProperty("data").GetProperty("result");
}
