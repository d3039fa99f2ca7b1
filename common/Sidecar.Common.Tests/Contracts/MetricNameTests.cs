using System.Diagnostics.Metrics;
using System.Reflection;
using Sidecar.Common.Contracts;

namespace Sidecar.Common.Tests.Contracts;

public sealed class MetricNameTests
{
    [Theory]
    [InlineData("sidecar.updates.applied", "{update}", MetricKind.Counter, "sidecar_updates_applied_total")]
    [InlineData("sidecar.updates.dead_letters", "{record}", MetricKind.Counter, "sidecar_updates_dead_letters_total")]
    [InlineData("sidecar.ingest.lag", "{record}", MetricKind.Gauge, "sidecar_ingest_lag")]
    [InlineData("sidecar.ingest.freshness", "s", MetricKind.Histogram, "sidecar_ingest_freshness_seconds")]
    [InlineData("sidecar.replicator.checkpoint.age", "s", MetricKind.Gauge, "sidecar_replicator_checkpoint_age_seconds")]
    [InlineData("sidecar.replicator.bytes", "By", MetricKind.Counter, "sidecar_replicator_bytes_total")]
    [InlineData("http.server.request.duration", "s", MetricKind.Histogram, "http_server_request_duration_seconds")]
    [InlineData("job.duration_seconds", "s", MetricKind.Histogram, "job_duration_seconds")]
    public void Exported_names_follow_the_Prometheus_exporter(string name, string unit, MetricKind kind, string exported) =>
        Assert.Equal(exported, new MetricName(name, unit, kind).Exported);

    [Fact]
    public void An_unknown_unit_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricName("sidecar.x", "ms", MetricKind.Gauge));

    [Fact]
    public void Every_process_metric_has_a_unique_name() =>
        Assert.Equal(All().Count, All().Select(m => m.Exported).Distinct().Count());

    [Fact]
    public void An_instrument_of_another_kind_is_refused()
    {
        using var meter = new Meter("test");
        Assert.Throws<ArgumentException>(() => meter.CreateCounter<long>(NodeMetricNames.IngestLag, "a gauge"));
        Assert.Equal("sidecar.ingest.lag", meter.CreateObservableGauge(NodeMetricNames.IngestLag, () => 1L, "a gauge").Name);
        Assert.Equal("{record}", meter.CreateObservableGauge(NodeMetricNames.IngestLag, () => 1L, "a gauge").Unit);
    }

    /// <summary>Every metric the processes define (the three contracts and the platform meters they all export).</summary>
    internal static List<MetricName> All() =>
        new[] { typeof(NodeMetricNames), typeof(ProxyMetricNames), typeof(ReplicatorMetricNames), typeof(PlatformMetricNames) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (MetricName)f.GetValue(null)!)
            .ToList();
}
