using System.Diagnostics;
using Confluent.Kafka;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// Updates applied per second by one node from a backlog: the records are in Kafka before the
/// node starts, so the node's batching, merge and RocksDB writes are the bottleneck.
/// </summary>
internal static class IngestBench
{
    public static async Task RunAsync(BenchArgs args)
    {
        var records = args.Int("records", 1_000_000);
        var users = args.Int("users", 100_000);
        var partitions = args.Int("partitions", 16);
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync($"updates:{partitions}", $"updates.dlq:{partitions}");

        var produce = Stopwatch.StartNew();
        using (var seed = new TestKafka(kafka.BootstrapServers))
        {
            var envelopes = new Envelopes("dc-a");
            seed.ProduceMany("updates", Enumerable.Range(0, records).Select(n => envelopes.Create($"user-{n % users}", Documents.Mixed(n))));
        }

        produce.Stop();
        EnsureNothingDropped(kafka.BootstrapServers, "updates", partitions);
        Report.Note($"backlog of {records} records produced in {produce.Elapsed.TotalSeconds:0.0} s");

        await using var node = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, "dc-a", "bench");
        var samples = await SampleAsync(node, records, NodeMetricNames.UpdatesApplied.Exported);

        // From the first sample with progress (the node has started consuming) to the last.
        var first = samples.Last(s => s.Applied == 0);
        var last = samples[^1];
        var rate = (last.Applied - first.Applied) / (last.Seconds - first.Seconds);
        var text = await node.Http.GetStringAsync("/metrics");
        Report.Header($"Ingest of a {records:N0}-record backlog ({users:N0} users, {partitions} partitions, one op per record)",
            "updates applied", "seconds", "updates/s", "batch p50 ms", "batch p99 ms");
        Report.Row((long)last.Applied, last.Seconds - first.Seconds, rate,
            PrometheusText.Quantile(text, NodeMetricNames.IngestBatchDuration.Exported, 0.5) * 1000,
            PrometheusText.Quantile(text, NodeMetricNames.IngestBatchDuration.Exported, 0.99) * 1000);
    }

    /// <summary>Scrapes every 100 ms until <paramref name="events"/> records are applied; <paramref name="firstCounter"/> is the one that moves first.</summary>
    public static async Task<List<(double Seconds, double First, double Applied)>> SampleAsync(NodeProcess node, int events, string firstCounter)
    {
        // The moment the node answered live counts as a sample of no progress: on a busy machine
        // the node may have begun before its first scrape.
        var samples = new List<(double, double, double)> { (0, 0, 0) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = await node.Http.GetStringAsync("/metrics");
            var applied = PrometheusText.Sum(text, NodeMetricNames.UpdatesApplied.Exported);
            samples.Add((clock.Elapsed.TotalSeconds, PrometheusText.Sum(text, firstCounter), applied));
            if (applied >= events)
            {
                return samples;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"only {applied} of {events} applied in 10 minutes");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The mock cluster keeps about 5 MiB per partition and drops the oldest: refuse to measure a truncated backlog.</summary>
    public static void EnsureNothingDropped(string bootstrap, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-probe" }).Build();
        for (var p = 0; p < partitions; p++)
        {
            var low = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).Low;
            if (low.Value > 0)
            {
                throw new InvalidOperationException($"the mock cluster dropped the first {low.Value} records of {topic} partition {p}; use more partitions");
            }
        }
    }
}
