using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// Ingest rules in one run. Throughput: a backlog of JSON events in a source topic mapped and
/// applied by one node with a rules file, next to a fresh node applying the same ops as
/// envelopes already in the updates topic (the plain ingest), in alternating order over rounds.
/// Latency: an event produced into dc-a's source topic until readable on a dc-b node (rules node
/// in dc-a, replicator dc-a → dc-b), next to an envelope produced into dc-a's updates topic.
/// </summary>
internal static class RulesBench
{
    private const string FromA = "origin=\"dc-a\"";

    public static async Task RunAsync(BenchArgs args)
    {
        var only = args.Text("only", "");
        if (only is "" or "throughput")
        {
            await ThroughputAsync(args.Int("events", 1_000_000), args.Int("users", 100_000), args.Int("partitions", 16), args.Int("rounds", 3));
        }

        if (only is "" or "latency")
        {
            await LatencyAsync(args.Int("rate", 5_000), args.Int("seconds", 20), args.Int("sample", 50));
        }
    }

    private static async Task ThroughputAsync(int events, int users, int partitions, int rounds)
    {
        var rules = new List<double>();
        var ratios = new List<double>();
        var cpuRatios = new List<double>();
        var mapping = new List<double>();
        var plain = new List<double>();
        var rows = new List<object[]>();
        for (var round = 1; round <= rounds; round++)
        {
            var (r, p) = await Rounds.AlternateAsync(round, () => RulesRunAsync(events, users, partitions), () => PlainRunAsync(events, users, partitions));
            rules.Add(r.Rate);
            mapping.Add(r.MappingRate);
            plain.Add(p.Rate);
            ratios.Add(r.Rate / p.Rate);
            cpuRatios.Add(p.CpuMicros / r.CpuMicros);
            rows.Add([round, Rounds.Order(round, "rules", "plain"), r.MappingRate, r.Rate, p.Rate, $"{r.Rate / p.Rate:0.00}x",
                $"{r.CpuMicros:0.0} / {p.CpuMicros:0.0}", $"{r.Startup:0.0} / {p.Startup:0.0}"]);
            Report.Note($"round {round}: rules {r.Rate:0} events/s (mapped at {r.MappingRate:0}/s), plain {p.Rate:0} updates/s");
        }

        Report.Header($"Ingest rules: a backlog of {events:N0} JSON events ({users:N0} users, {partitions} partitions, 3 ops each) mapped and applied, next to the same ops as envelopes applied by the plain ingest",
            "round", "order", "rules: events mapped/s", "rules: events mapped and applied/s", "plain: envelopes applied/s", "rules / plain",
            "node CPU µs/event: rules / plain", "s to first progress: rules / plain");
        foreach (var row in rows)
        {
            Report.Row(row);
        }

        var (m, r50, p50) = (Report.Percentile(mapping, 0.5), Report.Percentile(rules, 0.5), Report.Percentile(plain, 0.5));
        Report.Row("median", "", m, r50, p50, $"{Report.Percentile(ratios, 0.5):0.00}x (of the rounds' ratios)",
            $"plain / rules: {Report.Percentile(cpuRatios, 0.5):0.00}x", "");
    }

    /// <summary>
    /// Rates are from the node's first progress (the last scrape where its first counter was still
    /// zero: start-up and the rules' group join are left out, and reported) to the scrape that saw
    /// the last record applied. CPU is the node process's from live to done.
    /// </summary>
    private sealed record Run(double Rate, double MappingRate, double CpuMicros, double Startup);

    private static async Task<Run> RulesRunAsync(int events, int users, int partitions)
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync($"{ClickEvents.Topic}:{partitions}", $"updates:{partitions}", $"updates.dlq:{partitions}");
        var produce = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        ProduceRecords(kafka.BootstrapServers, ClickEvents.Topic, Enumerable.Range(0, events).Select(n =>
        {
            var user = $"user-{n % users}";
            return (user, ClickEvents.Event(user, ClickEvents.Hotel(n), ClickEvents.City(n), now));
        }));
        IngestBench.EnsureNothingDropped(kafka.BootstrapServers, ClickEvents.Topic, partitions);
        Report.Note($"rules: backlog of {events} events produced in {produce.Elapsed.TotalSeconds:0.0} s");

        var file = Path.Combine(dir.Path, "rules.json");
        await File.WriteAllTextAsync(file, ClickEvents.RulesFile);
        var started = Stopwatch.StartNew();
        await using var node = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, "dc-a", "bench", "--Rules:File", file);
        var live = started.Elapsed.TotalSeconds;
        var cpu = CpuTime.Of(node.Process.Pid);
        var samples = await IngestBench.SampleAsync(node, events, NodeMetricNames.RuleMatched.Exported);
        var cpuUsed = CpuTime.Of(node.Process.Pid) - cpu;
        IngestBench.EnsureNothingDropped(kafka.BootstrapServers, "updates", partitions);
        var first = samples.Last(s => s.First == 0);
        var mapped = samples.First(s => s.First >= events);
        var done = samples[^1];
        return new Run(events / (done.Seconds - first.Seconds), events / (mapped.Seconds - first.Seconds),
            cpuUsed.TotalMicroseconds / events, live + first.Seconds);
    }

    private static async Task<Run> PlainRunAsync(int events, int users, int partitions)
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync($"updates:{partitions}", $"updates.dlq:{partitions}");
        var produce = Stopwatch.StartNew();
        using (var seed = new TestKafka(kafka.BootstrapServers))
        {
            seed.ProduceMany("updates", Enumerable.Range(0, events).Select(n =>
                Envelopes.Stamped("dc-a", $"e-{n}", $"user-{n % users}", 2_000_000 + ((ulong)n * 4), ClickEvents.Ops(ClickEvents.Hotel(n), ClickEvents.City(n)))));
        }

        IngestBench.EnsureNothingDropped(kafka.BootstrapServers, "updates", partitions);
        Report.Note($"plain: backlog of {events} envelopes produced in {produce.Elapsed.TotalSeconds:0.0} s");
        var started = Stopwatch.StartNew();
        await using var node = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, "dc-a", "bench");
        var live = started.Elapsed.TotalSeconds;
        var cpu = CpuTime.Of(node.Process.Pid);
        var samples = await IngestBench.SampleAsync(node, events, NodeMetricNames.UpdatesApplied.Exported);
        var cpuUsed = CpuTime.Of(node.Process.Pid) - cpu;
        var first = samples.Last(s => s.First == 0);
        var done = samples[^1];
        var rate = events / (done.Seconds - first.Seconds);
        return new Run(rate, double.NaN, cpuUsed.TotalMicroseconds / events, live + first.Seconds);
    }

    /// <summary>Produces raw records keyed by user without waiting for each; throws if any failed.</summary>
    private static void ProduceRecords(string bootstrap, string topic, IEnumerable<(string Key, byte[] Value)> records)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(TestKafka.ProducerConfig(bootstrap, lingerMs: 5)).Build();
        Error? failure = null;
        foreach (var (key, value) in records)
        {
            var message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, r => failure ??= r.Error.IsError ? r.Error : null);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush(TimeSpan.FromSeconds(60));
        if (failure is not null)
        {
            throw new KafkaException(failure);
        }
    }

    private static async Task LatencyAsync(int rate, int seconds, int sample)
    {
        using var dir = new TempDir();
        await using var kafkaA = await KafkaMockProcess.StartAsync($"{ClickEvents.Topic}:8", "updates:8", "updates.dlq:8");
        await using var kafkaB = await KafkaMockProcess.StartAsync("updates:8", "updates.dlq:8");
        var file = Path.Combine(dir.Path, "rules.json");
        await File.WriteAllTextAsync(file, ClickEvents.RulesFile);
        await using var nodeA = await NodeProcess.StartAsync(dir.Sub("a"), kafkaA.BootstrapServers, "dc-a", "a1", "--Rules:File", file);
        await using var nodeB = await NodeProcess.StartAsync(dir.Sub("b"), kafkaB.BootstrapServers, "dc-b", "b1");
        await using var replicator = await ReplicatorProcess.StartAsync("ab", "dc-a", kafkaA, "dc-b", kafkaB);

        // Warm-up: one event all the way (the rules group joined, the replicator and the dc-b
        // node found their topics), so the window measures the steady state.
        using (var seed = new TestKafka(kafkaA.BootstrapServers))
        {
            await seed.ProduceRawAsync(ClickEvents.Topic, Encoding.UTF8.GetBytes("warm-up"),
                ClickEvents.Event("warm-up", "h", "c", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }

        await nodeB.WaitAsync("the warm-up event readable on the dc-b node", async () =>
            (await nodeB.Http.GetAsync("/v1/users/warm-up/fields/lastCity")).IsSuccessStatusCode, TimeSpan.FromMinutes(2));

        var results = new List<(string What, List<double> Ms, int TimedOut, double Count, double P50, double P99)>();
        foreach (var viaRules in new[] { true, false })
        {
            var probes = new VisibilityProbes(nodeB.Http, "lastCity");
            var tag = viaRules ? "r" : "e";
            var users = 50_000;
            await using (var feeder = viaRules
                ? Feeder.StartRecords(kafkaA.BootstrapServers, ClickEvents.Topic, rate, n =>
                {
                    var user = n % sample == 0 ? $"probe-{tag}-{n}" : $"user-{n % users}";
                    var message = new Message<byte[], byte[]>
                    {
                        Key = Encoding.UTF8.GetBytes(user),
                        Value = ClickEvents.Event(user, ClickEvents.Hotel(n), ClickEvents.City(n), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
                    };
                    if (n % sample == 0)
                    {
                        probes.Start(user);
                    }

                    return message;
                })
                : Feeder.Start(kafkaA.BootstrapServers, "updates", rate, n =>
                {
                    var user = n % sample == 0 ? $"probe-{tag}-{n}" : $"user-{n % users}";
                    var envelope = Envelopes.Stamped("dc-a", $"feed-{n}", user, 4_000_000 + ((ulong)n * 4), ClickEvents.Ops(ClickEvents.Hotel(n), ClickEvents.City(n)));
                    if (n % sample == 0)
                    {
                        probes.Start(user);
                    }

                    return envelope;
                }))
            {
                // The first seconds (the feed's start, the dc-b node's first catch-up) are not measured.
                await Task.Delay(TimeSpan.FromSeconds(3));
                var before = await nodeB.Http.GetStringAsync("/metrics");
                probes.MeasureFromNow();
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                var latencies = await probes.LatenciesAsync();
                var after = await nodeB.Http.GetStringAsync("/metrics");
                Report.Note($"{(viaRules ? "rules" : "envelopes")}: feeder produced {feeder.Produced}, failed {feeder.Failed}");
                var count = PrometheusText.Sum(after, NodeMetricNames.IngestFreshness.Exported + "_count", FromA) -
                    PrometheusText.Sum(before, NodeMetricNames.IngestFreshness.Exported + "_count", FromA);
                results.Add((viaRules ? "JSON event into dc-a's clicks.b2c (rules node maps it)" : "envelope with the same ops into dc-a's updates (plain)",
                    latencies, probes.TimedOut, count,
                    PrometheusText.Quantile(before, after, NodeMetricNames.IngestFreshness.Exported, 0.5, FromA) * 1000,
                    PrometheusText.Quantile(before, after, NodeMetricNames.IngestFreshness.Exported, 0.99, FromA) * 1000));
            }
        }

        Report.Header($"Produced in dc-a → readable on a dc-b node, {rate:N0} records/s for {seconds} s, 1 in {sample} sampled",
            "record", "samples", "not readable in 30 s", "p50 ms", "p99 ms", "max ms", "dc-b freshness (updates record time → applied) p50 / p99 ms");
        foreach (var (what, ms, timedOut, count, p50, p99) in results)
        {
            Report.Row(what, ms.Count, timedOut, Report.Percentile(ms, 0.5), Report.Percentile(ms, 0.99), ms.Count == 0 ? double.NaN : ms.Max(),
                $"{p50:0.#} / {p99:0.#} ({count:N0} updates)");
        }
    }
}
