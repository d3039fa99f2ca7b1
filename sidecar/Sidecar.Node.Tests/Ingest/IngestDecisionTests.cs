using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Ingest;
using Sidecar.Node.Configuration;
using Sidecar.Node.Metrics;

namespace Sidecar.Node.Tests.Ingest;

public sealed class IngestDecisionTests
{
    [Theory]
    [InlineData("updates", true)] // the local topic
    [InlineData("dc-b.updates", true)] // another datacenter's, mirrored here
    [InlineData("dc-a.updates", false)] // this datacenter's own, mirrored back: never applied twice
    [InlineData("updates.dlq", false)]
    [InlineData("other", false)]
    public void Only_the_local_topic_and_other_datacenters_mirrors_are_consumed(string topic, bool consumed)
    {
        Assert.Equal(consumed, PartitionDiscovery.IsUpdatesTopic(topic, "updates", "dc-a"));
    }

    [Theory]
    [InlineData(100, 40L, 60)]
    [InlineData(100, null, 100)] // not applied anything yet: from offset 0
    [InlineData(100, 100L, 0)]
    [InlineData(100, 120L, 0)] // a watermark older than the position: never negative
    public void A_partitions_lag_is_what_is_left_below_its_high_watermark(long high, long? next, long lag)
    {
        Assert.Equal(lag, LagMonitor.PartitionLag(high, next));
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(0, true)]
    public void Ingest_is_caught_up_within_the_configured_lag(long lag, bool caughtUp)
    {
        Assert.Equal(caughtUp, LagMonitor.IsCaughtUp(lag, maxReadyLag: 1000));
    }

    [Fact]
    public void Dead_letter_retries_back_off_from_100_ms_doubling_to_at_most_10_s()
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var seen = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            delay = DeadLetterSender.NextDelay(delay);
            seen.Add(delay.TotalMilliseconds);
        }

        Assert.Equal(new double[] { 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000, 10_000 }, seen);
    }

    [Theory]
    [InlineData(10_500, 10_000, 0.5)]
    [InlineData(10_000, 10_250, 0)] // the origin's clock ahead of this one: zero, not negative
    public void Freshness_is_the_time_since_the_record_was_created(long now, long created, double seconds)
    {
        Assert.Equal(seconds, BatchMetrics.FreshnessSeconds(now, created));
    }

    [Theory]
    [InlineData(true, TimestampType.CreateTime, true)]
    [InlineData(true, TimestampType.LogAppendTime, true)]
    [InlineData(false, TimestampType.CreateTime, false)] // a duplicate delivered again would look stale
    [InlineData(true, TimestampType.NotAvailable, false)]
    public void Only_updates_applied_now_with_a_timestamp_count_for_freshness(bool fresh, TimestampType type, bool counts)
    {
        Assert.Equal(counts, BatchMetrics.CountsForFreshness(fresh, type));
    }

    [Fact]
    public void Freshness_is_measured_on_the_injected_clock_per_origin()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var metrics = new NodeMetrics(new NodeInstruments(services.GetRequiredService<IMeterFactory>(), time), new DatasetScope("default"));
        var recorded = new List<(double Seconds, object? Origin)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument == metrics.Freshness.Instrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => recorded.Add((value, tags[0].Value)));
        listener.Start();

        var batch = new List<DecodedRecord>
        {
            Record(createdMs: 999_000, origin: "dc-b"),
            Record(createdMs: 999_500, origin: "dc-a"), // a duplicate: not counted
            Record(createdMs: 999_750, origin: "dc-a"),
        };
        var result = new BatchResult(2, 1, 0, new Dictionary<TopicPartition, long>(), [true, false, true]);
        new BatchMetrics(metrics, time).Record(batch, result, TimeSpan.FromMilliseconds(3));
        time.Advance(TimeSpan.FromSeconds(2));
        new BatchMetrics(metrics, time).Record([Record(createdMs: 999_000, origin: "dc-b")], result with { Fresh = [true] }, TimeSpan.Zero);

        Assert.Equal(new List<(double, object?)> { (1.0, "dc-b"), (0.25, "dc-a"), (3.0, "dc-b") }, recorded);
    }

    private static DecodedRecord Record(long createdMs, string origin)
    {
        var record = new ConsumeResult<byte[], byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset("updates", 0, 0),
            Message = new Message<byte[], byte[]> { Timestamp = new Timestamp(createdMs, TimestampType.CreateTime) },
        };
        return new DecodedRecord(record, null, new OriginPosition(origin, 0, 0), null);
    }
}
