using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Common.Tests.Contracts;

/// <summary>
/// compose/grafana/sidecar.json, the Grafana dashboard over our metrics: every panel queries the
/// dashboard's Prometheus input, every metric it names is one a process exports, and it uses only
/// the variables it defines. (Its expressions are run against a real Prometheus scraping the
/// whole stack in tools/Sidecar.Stack.Tests/PrometheusTests.)
/// </summary>
public sealed class GrafanaDashboardTests
{
    public static string PathOf => Path.Combine(Repo.Root, "compose", "grafana", "sidecar.json");

    [Fact]
    public void Every_panel_queries_prometheus_for_metrics_a_process_exports()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(PathOf));
        var root = dashboard.RootElement;
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.True(panels.Count >= 12, $"{panels.Count} panels");
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());

        var exported = ExportedSeries.All();
        var expressions = Expressions(root).ToList();
        Assert.True(expressions.Count >= panels.Count, $"{expressions.Count} expressions for {panels.Count} panels");
        foreach (var panel in panels)
        {
            Assert.Equal("${DS_PROMETHEUS}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
        }

        var named = expressions.SelectMany(ExportedSeries.NamedIn).Distinct().ToList();
        Assert.True(named.Count >= 10, string.Join(", ", named));
        Assert.All(named, name => Assert.Contains(name, exported));

        // The variables it uses are the ones it defines (and Grafana's own $__rate_interval).
        var defined = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => "$" + v.GetProperty("name").GetString()).ToHashSet();
        var used = expressions.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, @"\$[a-z_]+").Select(m => m.Value)).Where(v => v != "$__rate_interval").ToHashSet();
        Assert.Equal(defined.Order(), used.Order());
    }

    /// <summary>Every panel's PromQL, as Grafana sends it before substituting variables.</summary>
    public static IEnumerable<string> Expressions(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!);
}
