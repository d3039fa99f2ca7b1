using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Sidecar.Cli.Cluster;

/// <summary>
/// <c>status</c>: the cluster's facts as terminal tables. Reads twice, <c>--interval</c> apart, so
/// that request rates and recent latencies are shown. Exit code 0 when every datacenter answered
/// and every node is passing, 1 otherwise (usable from scripts and probes).
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliOptions shared)
    {
        var options = new ClusterOptions(shared);
        var user = new Option<string?>("--user") { Description = "Also show where each proxy routes this user id" };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "Time between the two reads that rates are computed from (hh:mm:ss; 0 reads once and shows no rates)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
        };
        var json = new Option<bool>("--json") { Description = "Print the facts as JSON instead of tables" };
        var command = new Command("status", """
            Show the whole system: every datacenter WAN-joined to the Consul agent, its nodes (Consul health, dataset
            version, ingest lag, request rate and latency), its committed version and any rollout with each vote; the
            replicators' lag per direction; the proxies. Exit code 1 if a datacenter, node, replicator or proxy is not healthy.
            """) { user, interval, json };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var wait = result.GetValue(interval);
            if (wait < TimeSpan.Zero || wait > TimeSpan.FromMinutes(1))
            {
                throw new ArgumentException("--interval must be between 0 and 1 minute");
            }

            var (reader, consul, http) = options.Reader(result);
            using (consul)
            using (http)
            {
                var facts = await reader.ReadAsync(ct);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                    facts = await reader.ReadAsync(ct);
                }

                var route = result.GetValue(user) is { Length: > 0 } id ? await reader.RouteAsync(id, ct) : null;
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(facts, ClusterJson.Default.ClusterFacts));
                    if (route is not null)
                    {
                        Console.WriteLine(JsonSerializer.Serialize(route, ClusterJson.Default.UserRoute));
                    }
                }
                else
                {
                    StatusTables.Write(Terminal(), facts, route);
                }

                return Healthy(facts) ? 0 : 1;
            }
        });
        return command;
    }

    /// <summary>Every datacenter answered with every node passing; every replicator up without a gap; every proxy up.</summary>
    public static bool Healthy(ClusterFacts facts) =>
        facts.Problems.Count == 0 && facts.Datacenters.Count > 0
        && facts.Datacenters.All(d => d.Error is null && d.Nodes.Count > 0 && d.Nodes.All(n => n.Health == "passing"))
        && facts.Replicators.All(r => r.Up && r.Gaps is null or 0 && r.StoppedPartitions is null or 0)
        && facts.Proxies.All(p => p.Up);

    /// <summary>The console; when the output is a file or a pipe, wide enough that no table is cut.</summary>
    private static IAnsiConsole Terminal()
    {
        var plain = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is not null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    internal static string Number(double? value, string format = "F0") => ClusterReader.Format(value, format);

    internal static string Clock(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
