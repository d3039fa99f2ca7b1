using System.Diagnostics;
using Confluent.Kafka;
using Sidecar.Common.Clocks;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// What a second dataset costs a node, in one run, next to the same node with one dataset: the
/// ingest of a backlog split between the two datasets' topics, GETs of the default dataset while a
/// feed is split between them, and the node's resident memory. Every case gets a fresh Kafka and
/// node; the two configurations alternate over rounds. <c>--vs expiry</c> compares one dataset
/// with the same dataset given <c>ItemTtl</c> and <c>Ttl</c> (nothing expires during the run: the
/// cost of applying the rule on every write and cache miss). <c>--vs layout</c> compares the flat
/// key layout with the partitioned one (<c>Store:Partitions</c> = the topics' partition count).
/// </summary>
internal static class DatasetsBench
{
    private static readonly Layout One = new("one dataset", [new("default", "updates")], []);

    private static readonly Layout Two = new("two datasets", [new("default", "updates"), new("segments", "segments")],
        ["--Datasets:segments:Topic", "segments"]);

    private static readonly Layout Expiring = new("with expiry", [new("default", "updates")],
        ["--Store:ItemTtl", "30.00:00:00", "--Store:Ttl", "90.00:00:00"]);

    /// <summary>One dataset, its records produced by murmur2 of the user id as the team's producers
    /// and the node's own do: the topics a partitioned layout is meant for (with the client's
    /// default crc32 nearly every record would arrive on another partition than its keys').</summary>
    private static readonly Layout Flat = One with { Name = "flat", Producers = Partitioner.Murmur2Random };

    private static readonly Layout Partitioned = Flat with { Name = "partitioned", PartitionedKeys = true };

    /// <summary>Partitions of every topic in the GET case (the ingest case takes <c>--partitions</c>).</summary>
    private const int GetPartitions = 8;

    /// <summary>The stamps of every record: a minute ago, so that they read as times (expiry reads them so).</summary>
    private static readonly ulong FirstHlc = HybridLogicalClock.Encode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000, 0);

    public static async Task RunAsync(BenchArgs args)
    {
        var rounds = args.Int("rounds", 3);
        var only = args.Text("only", "");
        var (first, second) = args.Text("vs", "two") switch
        {
            "two" => (One, Two),
            "expiry" => (One, Expiring),
            "layout" => (Flat, Partitioned),
            var other => throw new ArgumentException($"--vs {other}: two, expiry or layout"),
        };
        // --users, when given, is the user count of both parts; the defaults are ingest's and node-get's.
        if (only is "" or "ingest")
        {
            await IngestAsync(first, second, args.Int("records", 1_000_000), args.Int("users", 100_000), args.Int("partitions", 16), rounds);
        }

        if (only is "" or "get")
        {
            await GetAsync(first, second, args.Int("users", 10_000), args.Int("rate", 10_000), args.Int("seconds", 20), args.Int("connections", 64), rounds);
        }
    }

    private sealed record Dataset(string Name, string Topic)
    {
        /// <summary>What every node metric of this dataset carries.</summary>
        public string Label => $"dataset=\"{Name}\"";
    }

    /// <summary>A node's datasets, the default one first, and the node arguments that add the others.</summary>
    private sealed record Layout(string Name, Dataset[] Datasets, string[] NodeArgs)
    {
        /// <summary>Keys grouped by the topics' partitions (<c>Store:Partitions</c> = their count,
        /// which the node expects: it warns when they differ); false: the flat layout.</summary>
        public bool PartitionedKeys { get; init; }

        /// <summary>How the benchmark's producers partition; null: the client's default.</summary>
        public Partitioner? Producers { get; init; }

        public string[] KafkaTopics(int partitions) =>
            [.. Datasets.SelectMany(d => new[] { $"{d.Topic}:{partitions}", $"{d.Topic}.dlq:{partitions}" })];

        public Task<NodeProcess> StartNodeAsync(TempDir dir, KafkaMockProcess kafka, int partitions) =>
            NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, "dc-a", "bench",
                [.. NodeArgs, .. PartitionedKeys ? ["--Store:Partitions", $"{partitions}"] : Array.Empty<string>()]);

        /// <summary>Throws unless the node's live version has this layout's keys and applied no
        /// record from another partition than its user's: else the comparison would measure something else.</summary>
        public async Task EnsureKeysAsync(NodeProcess node, int partitions)
        {
            var layout = (await node.Http.GetFromJsonAsync("/admin/digest", AdminJson.Default.NodeDigest))!.Layout;
            var misplaced = PrometheusText.Sum(await node.Http.GetStringAsync("/metrics"), NodeMetricNames.IngestMisplaced.Exported);
            var expected = PartitionedKeys ? $"murmur2/{partitions}" : "flat";
            if (layout != expected || misplaced != 0)
            {
                throw new InvalidOperationException($"{Name}: key layout {layout}, {misplaced} records misplaced; expected {expected}, none");
            }
        }

        /// <summary>Dataset <paramref name="i"/>'s even share of <paramref name="total"/>; the last one takes the remainder.</summary>
        public int Share(int total, int i) =>
            i < Datasets.Length - 1 ? total / Datasets.Length : total - (total / Datasets.Length * (Datasets.Length - 1));
    }

    private sealed record IngestRun(double Rate, double CpuMicros, double RssMb);

    private sealed record GetRun(WrkResult Wrk, double AppliedPerSecond, double CpuPerRequest, double SeededMb, double AfterMb);

    private static double Median(IEnumerable<double> values) => Report.Percentile([.. values], 0.5);

    private static async Task IngestAsync(Layout first, Layout second, int records, int users, int partitions, int rounds)
    {
        var runs = new List<(IngestRun One, IngestRun Two)>();
        for (var round = 1; round <= rounds; round++)
        {
            runs.Add(await Rounds.AlternateAsync(round,
                () => IngestRunAsync(first, records, users, partitions), () => IngestRunAsync(second, records, users, partitions)));
            Report.Note($"round {round}: {first.Name} {runs[^1].One.Rate:0} updates/s, {second.Name} {runs[^1].Two.Rate:0} updates/s");
        }

        Report.Header($"Ingest of a {records:N0}-record backlog ({users:N0} users, {partitions} partitions a topic, one op per record): {first.Name}, next to {second.Name}{(second.Datasets.Length > 1 ? " given an even share of the records each" : "")}",
            "round", "order", $"{first.Name}: updates/s", $"{second.Name}: updates/s", "second / one", "node CPU µs/update: one / second", "node RSS MB when done: one / second");
        for (var i = 0; i < runs.Count; i++)
        {
            var (a, b) = runs[i];
            Report.Row(i + 1, Rounds.Order(i + 1, "one", "two"), a.Rate, b.Rate, $"{b.Rate / a.Rate:0.00}x",
                $"{a.CpuMicros:0.0} / {b.CpuMicros:0.0}", $"{a.RssMb:0} / {b.RssMb:0}");
        }

        Report.Row("median", "", Median(runs.Select(r => r.One.Rate)), Median(runs.Select(r => r.Two.Rate)),
            $"{Median(runs.Select(r => r.Two.Rate / r.One.Rate)):0.00}x (of the rounds' ratios)",
            $"{Median(runs.Select(r => r.One.CpuMicros)):0.0} / {Median(runs.Select(r => r.Two.CpuMicros)):0.0}",
            $"{Median(runs.Select(r => r.One.RssMb)):0} / {Median(runs.Select(r => r.Two.RssMb)):0}");
    }

    /// <remarks>The rate is from the node's first progress to the scrape that saw the last record
    /// applied, as in the rules benchmark; CPU is the node process's from live to done.</remarks>
    private static async Task<IngestRun> IngestRunAsync(Layout layout, int records, int users, int partitions)
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync(layout.KafkaTopics(partitions));
        var produce = Stopwatch.StartNew();
        using (var seed = new TestKafka(kafka.BootstrapServers, layout.Producers))
        {
            // Record n is the same user, op and stamp in both layouts. Split in consecutive halves,
            // not by n % 2, so that every user has records in both datasets (with an even number of
            // users, n % 2 would put each user in only one).
            var envelopes = new Envelopes("dc-a", FirstHlc);
            var from = 0;
            for (var i = 0; i < layout.Datasets.Length; i++)
            {
                var share = layout.Share(records, i);
                seed.ProduceMany(layout.Datasets[i].Topic, Enumerable.Range(from, share).Select(n => envelopes.Create($"user-{n % users}", Documents.Mixed(n))));
                from += share;
            }
        }

        foreach (var dataset in layout.Datasets)
        {
            IngestBench.EnsureNothingDropped(kafka.BootstrapServers, dataset.Topic, partitions);
        }

        Report.Note($"{layout.Name}: backlog of {records} records produced in {produce.Elapsed.TotalSeconds:0.0} s");
        await using var node = await layout.StartNodeAsync(dir, kafka, partitions);
        var cpu = CpuTime.Of(node.Process.Pid);
        var samples = await IngestBench.SampleAsync(node, records, NodeMetricNames.UpdatesApplied.Exported);
        var cpuUsed = CpuTime.Of(node.Process.Pid) - cpu;
        var rss = Rss.MegabytesOf(node.Process.Pid);

        // The total says nothing of where the records went: each dataset must have applied its own topic's share.
        var text = await node.Http.GetStringAsync("/metrics");
        for (var i = 0; i < layout.Datasets.Length; i++)
        {
            var applied = PrometheusText.Sum(text, NodeMetricNames.UpdatesApplied.Exported, layout.Datasets[i].Label);
            if (applied != layout.Share(records, i))
            {
                throw new InvalidOperationException($"{layout.Name}: dataset {layout.Datasets[i].Name} applied {applied} records, not {layout.Share(records, i)}");
            }
        }

        await layout.EnsureKeysAsync(node, partitions);
        var first = samples.Last(s => s.First == 0);
        var done = samples[^1];
        return new IngestRun((done.Applied - first.Applied) / (done.Seconds - first.Seconds), cpuUsed.TotalMicroseconds / records, rss);
    }

    private static async Task GetAsync(Layout first, Layout second, int users, int rate, int seconds, int connections, int rounds)
    {
        var runs = new List<(GetRun One, GetRun Two)>();
        for (var round = 1; round <= rounds; round++)
        {
            runs.Add(await Rounds.AlternateAsync(round,
                () => GetRunAsync(first, users, rate, seconds, connections), () => GetRunAsync(second, users, rate, seconds, connections)));
            Report.Note($"round {round}: {first.Name} {runs[^1].One.Wrk.RequestsPerSecond:0} req/s, {second.Name} {runs[^1].Two.Wrk.RequestsPerSecond:0} req/s");
        }

        Report.Header($"GET of the default dataset's ~1 KB documents, wrk -t2 -c{connections} -d{seconds}s, {users:N0} users in each dataset, a feeder at {rate:N0} updates/s split evenly between the datasets ({second.Name} against {first.Name}, {GetPartitions} partitions a topic)",
            "round", "order", "node", "updates applied/s during the run", "req/s", "p50 ms", "p99 ms", "errors", "server CPU µs/request", "req/s second / one", "p99 second / one");
        for (var i = 0; i < runs.Count; i++)
        {
            var (a, b) = runs[i];
            var order = Rounds.Order(i + 1, "one", "two");
            GetRow(i + 1, order, first, [a], "", "");
            GetRow(i + 1, order, second, [b], $"{b.Wrk.RequestsPerSecond / a.Wrk.RequestsPerSecond:0.00}x", $"{b.Wrk.P99Ms / a.Wrk.P99Ms:0.00}x");
        }

        GetRow("median", "", first, [.. runs.Select(r => r.One)], "", "");
        GetRow("median", "", second, [.. runs.Select(r => r.Two)],
            $"{Median(runs.Select(r => r.Two.Wrk.RequestsPerSecond / r.One.Wrk.RequestsPerSecond)):0.00}x (of the rounds' ratios)",
            $"{Median(runs.Select(r => r.Two.Wrk.P99Ms / r.One.Wrk.P99Ms)):0.00}x");

        Report.Header($"Node RSS (VmRSS) with {users:N0} users of ~1 KB in each dataset: {first.Name}, next to {second.Name}",
            "round", $"after seeding: {first.Name} MB", $"{second.Name} MB", "second − one MB", $"after the GET run under the feed: {first.Name} MB", $"{second.Name} MB", "second − one MB");
        for (var i = 0; i < runs.Count; i++)
        {
            var (a, b) = runs[i];
            Report.Row(i + 1, a.SeededMb, b.SeededMb, b.SeededMb - a.SeededMb, a.AfterMb, b.AfterMb, b.AfterMb - a.AfterMb);
        }

        Report.Row("median", Median(runs.Select(r => r.One.SeededMb)), Median(runs.Select(r => r.Two.SeededMb)), Median(runs.Select(r => r.Two.SeededMb - r.One.SeededMb)),
            Median(runs.Select(r => r.One.AfterMb)), Median(runs.Select(r => r.Two.AfterMb)), Median(runs.Select(r => r.Two.AfterMb - r.One.AfterMb)));
    }

    /// <summary>One row of the GET table: a run's figures, or with several runs the median of each.</summary>
    private static void GetRow(object round, string order, Layout layout, List<GetRun> runs, string rpsRatio, string p99Ratio) =>
        Report.Row(round, order, layout.Name, Median(runs.Select(r => r.AppliedPerSecond)), Median(runs.Select(r => r.Wrk.RequestsPerSecond)),
            Median(runs.Select(r => r.Wrk.P50Ms)), Median(runs.Select(r => r.Wrk.P99Ms)), (long)Median(runs.Select(r => (double)r.Wrk.Errors)),
            Median(runs.Select(r => r.CpuPerRequest)), rpsRatio, p99Ratio);

    private static async Task<GetRun> GetRunAsync(Layout layout, int users, int rate, int seconds, int connections)
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync(layout.KafkaTopics(GetPartitions));
        await using var node = await layout.StartNodeAsync(dir, kafka, GetPartitions);
        using (var seed = new TestKafka(kafka.BootstrapServers, layout.Producers))
        {
            foreach (var dataset in layout.Datasets)
            {
                // A stamper of its own per dataset: the same users with the same documents and stamps in each.
                var envelopes = new Envelopes("dc-a", FirstHlc);
                seed.ProduceMany(dataset.Topic, Enumerable.Range(0, users).Select(u => envelopes.Create($"user-{u}", Documents.OneKilobyte(u))));
            }
        }

        await node.WaitAsync($"{users} users seeded in every dataset", async () =>
        {
            var text = await node.Http.GetStringAsync("/metrics");
            return layout.Datasets.All(d => PrometheusText.Sum(text, NodeMetricNames.UpdatesApplied.Exported, d.Label) >= users);
        }, TimeSpan.FromMinutes(5));
        var seeded = Rss.MegabytesOf(node.Process.Pid);
        var script = await NodeGetBench.UsersScriptAsync(dir, users);
        await WrkResult.RunAsync(node.Url, Math.Min(5, seconds), connections, 2, script); // warm-up, no longer than a smoke run measures

        // Stamps above the seed's (FirstHlc + 20 a user; + 1,000,000 is 15 ms later), as in node-get.
        var feeders = layout.Datasets.Select((d, i) => Feeder.Start(kafka.BootstrapServers, d.Topic, layout.Share(rate, i), n =>
            Envelopes.Stamped("dc-a", $"feed-{n}", $"user-{n % users}", FirstHlc + 1_000_000 + ((ulong)n * 4), Documents.Touch(n)), layout.Producers)).ToList();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var (wrk, applied, cpu) = await NodeGetBench.MeasureAsync(node, script, seconds, connections);
            var after = Rss.MegabytesOf(node.Process.Pid);
            await layout.EnsureKeysAsync(node, GetPartitions);
            Report.Note($"{layout.Name}: feeders produced {feeders.Sum(f => f.Produced)}, failed {feeders.Sum(f => f.Failed)}");
            return new GetRun(wrk, applied, cpu, seeded, after);
        }
        finally
        {
            foreach (var feeder in feeders)
            {
                await feeder.DisposeAsync();
            }
        }
    }
}
