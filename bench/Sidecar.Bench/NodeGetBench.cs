using System.Diagnostics;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// GET of a 1 KB user document with wrk, in one run: a bare Kestrel endpoint returning the same
/// bytes, the node idle, and the node while a feeder streams updates into its Kafka.
/// </summary>
internal static class NodeGetBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var users = args.Int("users", 10_000);
        var rate = args.Int("rate", 10_000);
        var seconds = args.Int("seconds", 20);
        var connections = args.Int("connections", 64);
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:8", "updates.dlq:8");
        await using var node = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, "dc-a", "bench");

        Report.Note($"seeding {users} users with 1 KB documents");
        using (var seed = new TestKafka(kafka.BootstrapServers))
        {
            var envelopes = new Envelopes("dc-a");
            seed.ProduceMany("updates", Enumerable.Range(0, users).Select(u => envelopes.Create($"user-{u}", Documents.OneKilobyte(u))));
        }

        await node.WaitConsumedAsync(users, TimeSpan.FromMinutes(5));
        var body = await node.Http.GetByteArrayAsync("/v1/users/user-0");
        var bodyFile = dir.Sub("body.json");
        await File.WriteAllBytesAsync(bodyFile, body);
        var script = await UsersScriptAsync(dir, users);

        var bareUrl = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        await using var bare = ChildProcess.StartDotnet("bare", typeof(NodeGetBench).Assembly.Location, ["bare", "--urls", bareUrl, "--body", bodyFile]);
        using (var http = new HttpClient { BaseAddress = new Uri(bareUrl) })
        {
            await Wait.UntilAsync(bare, "bare Kestrel live", async () => (await http.GetAsync("/health/live")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        }

        Report.Note($"document: {body.Length} bytes; warming up");
        await WrkResult.RunAsync(bareUrl, 5, connections, 2, script);
        await WrkResult.RunAsync(node.Url, 5, connections, 2, script);

        Report.Header($"GET of a {body.Length}-byte document, wrk -t2 -c{connections} -d{seconds}s, {users:N0} users",
            "target", "updates applied/s during the run", "req/s", "p50 ms", "p99 ms", "errors", "req/s vs bare Kestrel", "server CPU µs/request");
        var bareCpu = CpuTime.Of(bare.Pid);
        var baseline = await WrkResult.RunAsync(bareUrl, seconds, connections, 2, script);
        Report.Row("bare Kestrel, same bytes", 0, baseline.RequestsPerSecond, baseline.P50Ms, baseline.P99Ms, baseline.Errors, "1.00x",
            (CpuTime.Of(bare.Pid) - bareCpu).TotalMicroseconds / baseline.Requests);
        var idle = await MeasureAsync(node, script, seconds, connections);
        Report.Row("node, no ingest", idle.AppliedPerSecond, idle.Wrk.RequestsPerSecond, idle.Wrk.P50Ms, idle.Wrk.P99Ms, idle.Wrk.Errors, Ratio(idle.Wrk, baseline), idle.CpuPerRequest);

        await using (var feeder = Feeder.Start(kafka.BootstrapServers, "updates", rate, n =>
            Envelopes.Stamped("dc-a", $"feed-{n}", $"user-{n % users}", 2_000_000 + ((ulong)n * 4), Documents.Touch(n))))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var busy = await MeasureAsync(node, script, seconds, connections);
            Report.Row($"node, feeder at {rate:N0} updates/s", busy.AppliedPerSecond, busy.Wrk.RequestsPerSecond, busy.Wrk.P50Ms, busy.Wrk.P99Ms, busy.Wrk.Errors, Ratio(busy.Wrk, baseline), busy.CpuPerRequest);

            // What this machine leaves any server while the same stream is applied: bare Kestrel
            // with the node, the feeder and Kafka still busy beside it. The node cannot beat it.
            var applied = await PrometheusText.SumAsync(node.Http, NodeMetricNames.UpdatesApplied.Exported);
            var started = Stopwatch.GetTimestamp();
            bareCpu = CpuTime.Of(bare.Pid);
            var ceiling = await WrkResult.RunAsync(bareUrl, seconds, connections, 2, script);
            Report.Row($"bare Kestrel while the node applies the feed", (await PrometheusText.SumAsync(node.Http, NodeMetricNames.UpdatesApplied.Exported) - applied) / Stopwatch.GetElapsedTime(started).TotalSeconds,
                ceiling.RequestsPerSecond, ceiling.P50Ms, ceiling.P99Ms, ceiling.Errors, Ratio(ceiling, baseline), (CpuTime.Of(bare.Pid) - bareCpu).TotalMicroseconds / ceiling.Requests);
            Report.Note($"node under the feed / bare Kestrel under the same feed: {Ratio(busy.Wrk, ceiling)}");
            Report.Note($"feeder produced {feeder.Produced}, failed {feeder.Failed}");
        }
    }

    /// <summary>A wrk script that GETs random users of the default dataset, the same sequence every run.</summary>
    public static async Task<string> UsersScriptAsync(TempDir dir, int users)
    {
        var script = dir.Sub("users.lua");
        await File.WriteAllTextAsync(script, $$"""
            math.randomseed(42)
            request = function()
              return wrk.format("GET", "/v1/users/user-" .. math.random(0, {{users - 1}}))
            end
            """);
        return script;
    }

    private static string Ratio(WrkResult result, WrkResult baseline) => $"{result.RequestsPerSecond / baseline.RequestsPerSecond:0.00}x";

    /// <remarks>The node's CPU per request includes applying the streamed updates, when there are any (of every dataset).</remarks>
    public static async Task<(WrkResult Wrk, double AppliedPerSecond, double CpuPerRequest)> MeasureAsync(NodeProcess node, string script, int seconds, int connections)
    {
        var before = await PrometheusText.SumAsync(node.Http, NodeMetricNames.UpdatesApplied.Exported);
        var cpu = CpuTime.Of(node.Process.Pid);
        var started = Stopwatch.GetTimestamp();
        var wrk = await WrkResult.RunAsync(node.Url, seconds, connections, 2, script);
        var cpuPerRequest = (CpuTime.Of(node.Process.Pid) - cpu).TotalMicroseconds / wrk.Requests;
        var applied = await PrometheusText.SumAsync(node.Http, NodeMetricNames.UpdatesApplied.Exported) - before;
        return (wrk, applied / Stopwatch.GetElapsedTime(started).TotalSeconds, cpuPerRequest);
    }
}
