using System.Diagnostics;
using Sidecar.Testing;

namespace Sidecar.Common.Tests.Contracts;

/// <summary>
/// compose/prometheus/alerts.yml with Prometheus's own tool (Debian's promtool, fetched by
/// tools/prometheus/ensure-promtool.sh when missing): the file loads, its unit tests
/// (alerts.test.yml) pass, and every metric it names is one the processes export.
/// </summary>
public sealed class AlertRulesTests
{
    private static readonly string Dir = Path.Combine(Repo.Root, "compose", "prometheus");

    [Fact]
    public async Task The_alert_rules_load_and_their_unit_tests_pass_in_promtool()
    {
        var promtool = await ToolBinary.FindAsync("SIDECAR_PROMTOOL", "tools/prometheus/ensure-promtool.sh");
        var (checkExit, checkOutput) = await RunAsync(promtool, "check", "rules", "alerts.yml");
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains("SUCCESS", checkOutput);
        var (testExit, testOutput) = await RunAsync(promtool, "test", "rules", "alerts.test.yml");
        Assert.True(testExit == 0, testOutput);
    }

    [Fact]
    public async Task The_compose_scrape_config_and_the_rules_it_loads_pass_promtool()
    {
        var promtool = await ToolBinary.FindAsync("SIDECAR_PROMTOOL", "tools/prometheus/ensure-promtool.sh");
        var (exit, output) = await RunAsync(promtool, "check", "config", "prometheus.yml");
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 11 rules found", output);
        var config = await File.ReadAllTextAsync(Path.Combine(Dir, "prometheus.yml"));
        Assert.All(new[] { "job_name: sidecar-node", "job_name: sidecar-proxy", "job_name: sidecar-replicator" }, job => Assert.Contains(job, config));
    }

    [Fact]
    public void Every_metric_the_alert_rules_name_is_exported_by_a_process()
    {
        var exported = ExportedSeries.All();
        var expressions = File.ReadAllLines(Path.Combine(Dir, "alerts.yml")).Where(l => l.TrimStart().StartsWith("expr:", StringComparison.Ordinal)).ToList();
        var named = expressions.SelectMany(ExportedSeries.NamedIn).Distinct().ToList();

        Assert.True(expressions.Count >= 11, $"only {expressions.Count} expressions read");
        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.Contains(name, exported));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
