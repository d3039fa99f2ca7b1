using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// Replication in one run: the replicator's throughput from a backlog next to a plain
/// consume+produce loop, then the latency from a write accepted by a dc-a node to the update
/// being readable on a dc-b node while a feeder writes into dc-a at a steady rate.
/// </summary>
internal static class ReplicationBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var only = args.Text("only", "");
        if (only is "" or "throughput")
        {
            await ThroughputAsync(args.Int("records", 300_000), args.Int("partitions", 8), args.Int("rounds", 3));
        }

        if (only is "" or "latency")
        {
            await LatencyAsync(args.Int("rate", 5_000), args.Int("seconds", 30));
        }
    }

    private static async Task ThroughputAsync(int records, int partitions, int rounds)
    {
        Report.Header($"Mirroring a backlog of {records:N0} records of about 200 bytes, {partitions} partitions, into another Kafka (both warm)",
            "round", "plain loop, client's fetch defaults, records/s", "plain loop, replicator's fetch settings, records/s", "replicator, records/s",
            "replicator vs plain (defaults)", "replicator vs plain (same settings)",
            "CPU µs/record: plain (defaults) / plain (same) / replicator", "replicator cold (first backlog), records/s");
        var plainRates = new List<double>();
        var sameRates = new List<double>();
        var replicatorRates = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            await using var source = await KafkaMockProcess.StartAsync($"updates:{partitions}");
            await using var target = await KafkaMockProcess.StartAsync($"plain.updates:{partitions}", $"same.updates:{partitions}");
            Seed(source, records, first: 0);
            var (plain, plainCpu) = Plain(source, target, "plain.updates", partitions, records, replicatorFetch: false);
            var (same, sameCpu) = Plain(source, target, "same.updates", partitions, records, replicatorFetch: true);
            var (mirrored, replicatorCpu, cold) = await ReplicatorRateAsync(source, target, records);
            plainRates.Add(plain);
            sameRates.Add(same);
            replicatorRates.Add(mirrored);
            Report.Row(round, plain, same, mirrored, $"{mirrored / plain:0.00}x", $"{mirrored / same:0.00}x",
                $"{plainCpu:0.0} / {sameCpu:0.0} / {replicatorCpu.TotalMicroseconds:0.0}", cold);
        }

        var (p, s, r) = (Report.Percentile(plainRates, 0.5), Report.Percentile(sameRates, 0.5), Report.Percentile(replicatorRates, 0.5));
        Report.Row("median", p, s, r, $"{r / p:0.00}x", $"{r / s:0.00}x", "", "");
    }

    private static (double Rate, double CpuMicrosPerRecord) Plain(KafkaMockProcess source, KafkaMockProcess target, string targetTopic, int partitions, int records, bool replicatorFetch)
    {
        var cpu = CpuTime.OfThisProcess();
        var rate = records / PlainMirror.Copy(source.BootstrapServers, "updates", partitions, target.BootstrapServers, targetTopic, records, replicatorFetch);
        return (rate, (CpuTime.OfThisProcess() - cpu).TotalMicroseconds / records);
    }

    private static void Seed(KafkaMockProcess source, int records, int first)
    {
        using var seed = new TestKafka(source.BootstrapServers);
        seed.ProduceMany("updates", Enumerable.Range(first, records).Select(n =>
            Envelopes.Stamped("dc-a", $"r-{n}", $"user-{n % 50_000}", 2_000_000 + (ulong)n, [Documents.Padded(n, 200)])));
    }

    /// <summary>
    /// The replicator's rate (records/s) and CPU per record once warm. A new process first
    /// mirrors the backlog the plain loop copied (its cold rate is reported too: group join,
    /// checkpoint reads and the JIT's tiering take its first seconds). Then the target's broker
    /// is taken down and a second backlog of the same size is written: the replicator buffers
    /// its in-flight bound and waits. The broker comes back; once that buffer is acknowledged,
    /// the rate is taken from there to the last acknowledgement: a warm process draining a
    /// backlog, with no writer taking CPU from it. The plain loop's JIT is a small fraction of
    /// the replicator's, and it runs warm in this process from its second round on.
    /// </summary>
    private static async Task<(double Rate, TimeSpan CpuPerRecord, double ColdRate)> ReplicatorRateAsync(KafkaMockProcess source, KafkaMockProcess target, int records)
    {
        const int InFlight = 100_000; // the replicator's MaxInFlight default
        if (records < 3 * InFlight)
        {
            throw new ArgumentException($"--records must be at least {3 * InFlight:N0}: the replicator buffers {InFlight:N0} while its target is down");
        }

        await using var replicator = await ReplicatorProcess.StartAsync("bench", "dc-a", source, "dc-b", target);
        var clock = Stopwatch.StartNew();
        await MirroredAsync(replicator, records, clock);
        var cold = records / clock.Elapsed.TotalSeconds;

        await target.SetBrokerAsync(1, up: false);
        Seed(source, records, first: records);
        await target.SetBrokerAsync(1, up: true);
        clock.Restart();
        var from = await MirroredAsync(replicator, records + InFlight + 10_000, clock);
        var cpu = CpuTime.Of(replicator.Process.Pid);
        clock.Restart();
        var done = await MirroredAsync(replicator, 2 * records, clock);
        var cpuUsed = CpuTime.Of(replicator.Process.Pid) - cpu;

        // The window ends at the last acknowledgement, not at the scrape that saw it (scrapes
        // are 100 ms apart): the replicator reports how long ago each partition's last one was.
        var sinceLastAck = (await replicator.PartitionsAsync()).Min(p => p.CheckpointAgeSeconds);
        var polled = clock.Elapsed;
        var window = polled - TimeSpan.FromSeconds(Math.Min(sinceLastAck, polled.TotalSeconds / 2));
        return ((done - from) / window.TotalSeconds, cpuUsed / (done - from), cold);
    }

    private static async Task<double> MirroredAsync(ReplicatorProcess replicator, int records, Stopwatch clock)
    {
        while (true)
        {
            var done = await PrometheusText.SumAsync(replicator.Http, ReplicatorMetricNames.Records.Exported);
            if (done >= records)
            {
                return done;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"replicator mirrored only {done} of {records}");
            }

            // Not more often: every scrape costs the replicator CPU that the plain loop does not pay.
            await Task.Delay(100);
        }
    }

    private static async Task LatencyAsync(int rate, int seconds)
    {
        using var dir = new TempDir();
        await using var kafkaA = await KafkaMockProcess.StartAsync("updates:8", "updates.dlq:8");
        await using var kafkaB = await KafkaMockProcess.StartAsync("updates:8", "updates.dlq:8");
        await using var nodeA = await NodeProcess.StartAsync(dir.Sub("a"), kafkaA.BootstrapServers, "dc-a", "a1");
        await using var nodeB = await NodeProcess.StartAsync(dir.Sub("b"), kafkaB.BootstrapServers, "dc-b", "b1");
        await using var replicator = await ReplicatorProcess.StartAsync("ab", "dc-a", kafkaA, "dc-b", kafkaB);

        var probes = new List<double>();
        string nodeBefore, replicatorBefore;
        var accepts = new List<double>();
        await using (var feeder = Feeder.Start(kafkaA.BootstrapServers, "updates", rate, n =>
            Envelopes.Stamped("dc-a", $"feed-{n}", $"user-{n % 50_000}", 2_000_000 + ((ulong)n * 4), Documents.Touch(n))))
        {
            // Warm up: the dc-b node has found the mirrored topic and is within a second of it,
            // so that the window below measures the steady state, not the first catch-up.
            await ProbeAsync(nodeA, nodeB, "warm-up");
            await Wait.UntilAsync(nodeB.Process, "the dc-b node caught up", async () =>
                await PrometheusText.SumAsync(nodeB.Http, NodeMetricNames.IngestLag.Exported) < rate, TimeSpan.FromMinutes(2));
            await Task.Delay(TimeSpan.FromSeconds(3));
            nodeBefore = await nodeB.Http.GetStringAsync("/metrics");
            replicatorBefore = await replicator.Http.GetStringAsync("/metrics");
            var until = Stopwatch.StartNew();
            for (var i = 0; until.Elapsed < TimeSpan.FromSeconds(seconds); i++)
            {
                var (accepted, visible) = await ProbeAsync(nodeA, nodeB, $"probe-{i}");
                accepts.Add(accepted);
                probes.Add(visible);
                await Task.Delay(20);
            }

            Report.Note($"feeder produced {feeder.Produced} in dc-a, failed {feeder.Failed}");
        }

        var text = await nodeB.Http.GetStringAsync("/metrics");
        var mirrored = await replicator.Http.GetStringAsync("/metrics");
        Report.Header($"Write in dc-a visible on a dc-b node, feeder at {rate:N0} updates/s into dc-a, {seconds} s",
            "measure", "samples", "p50 ms", "p99 ms");
        Report.Row("probe: POST to dc-a node sent → field readable on dc-b node", probes.Count, Report.Percentile(probes, 0.5), Report.Percentile(probes, 0.99));
        Report.Row("probe: POST sent → 202 from dc-a node (accepted)", accepts.Count, Report.Percentile(accepts, 0.5), Report.Percentile(accepts, 0.99));
        const string FromA = "origin=\"dc-a\"";
        Report.Row("every update: origin record time → applied on dc-b node (node histogram)",
            PrometheusText.Sum(text, NodeMetricNames.IngestFreshness.Exported + "_count", FromA) - PrometheusText.Sum(nodeBefore, NodeMetricNames.IngestFreshness.Exported + "_count", FromA),
            PrometheusText.Quantile(nodeBefore, text, NodeMetricNames.IngestFreshness.Exported, 0.5, FromA) * 1000,
            PrometheusText.Quantile(nodeBefore, text, NodeMetricNames.IngestFreshness.Exported, 0.99, FromA) * 1000);
        Report.Row("every update: origin record time → acknowledged by dc-b Kafka (replicator histogram)",
            PrometheusText.Sum(mirrored, ReplicatorMetricNames.Latency.Exported + "_count") - PrometheusText.Sum(replicatorBefore, ReplicatorMetricNames.Latency.Exported + "_count"),
            PrometheusText.Quantile(replicatorBefore, mirrored, ReplicatorMetricNames.Latency.Exported, 0.5) * 1000,
            PrometheusText.Quantile(replicatorBefore, mirrored, ReplicatorMetricNames.Latency.Exported, 0.99) * 1000);
    }

    /// <summary>Sets a field through the dc-a node and polls the dc-b node until it reads it.</summary>
    private static async Task<(double AcceptedMs, double VisibleMs)> ProbeAsync(NodeProcess a, NodeProcess b, string user)
    {
        var started = Stopwatch.GetTimestamp();
        using (var response = await a.Http.PostAsync($"/v1/users/{user}/updates",
            new StringContent("""{"ops":[{"op":"set","field":"p","value":1}]}""", Encoding.UTF8, "application/json")))
        {
            response.EnsureSuccessStatusCode();
        }

        var accepted = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        while (true)
        {
            using var read = await b.Http.GetAsync($"/v1/users/{user}/fields/p");
            if (read.IsSuccessStatusCode)
            {
                return (accepted, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{user} never became visible on the dc-b node");
            }

            await Task.Delay(1);
        }
    }
}
