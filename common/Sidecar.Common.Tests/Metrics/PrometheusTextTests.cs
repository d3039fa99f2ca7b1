using Sidecar.Common.Metrics;

namespace Sidecar.Common.Tests.Metrics;

public sealed class PrometheusTextTests
{
    // Shaped like the exporters' output, with the cases they may write: HELP/TYPE comments,
    // escaped label values, a timestamp, special values, a histogram and an empty label set.
    private const string Exposition = """
        # HELP sidecar_updates_applied_total Updates applied to the live version.
        # TYPE sidecar_updates_applied_total counter
        sidecar_updates_applied_total{origin="dc-a"} 10
        sidecar_updates_applied_total{origin="dc-b"} 5 1733112000000
        sidecar_updates_applied_total_rate 99
        # HELP sidecar_quoted A label value with every escape.
        sidecar_quoted{path="C:\\data",msg="say \"hi\"} now",lines="a\nb"} 3
        sidecar_empty{} 7
        sidecar_plain 8
        sidecar_limits{kind="max"} +Inf
        sidecar_limits{kind="min"} -Inf
        sidecar_unknown NaN
        # TYPE sidecar_latency_seconds histogram
        sidecar_latency_seconds_bucket{route="get",le="0.01"} 50
        sidecar_latency_seconds_bucket{route="get",le="0.1"} 90
        sidecar_latency_seconds_bucket{route="get",le="+Inf"} 100
        sidecar_latency_seconds_sum{route="get"} 2.5
        sidecar_latency_seconds_count{route="get"} 100
        """;

    [Fact]
    public void Comments_are_not_samples()
    {
        Assert.Null(PrometheusText.Parse("# HELP sidecar_updates_applied_total Updates applied."));
        Assert.Null(PrometheusText.Parse("# TYPE sidecar_updates_applied_total counter"));
        Assert.Null(PrometheusText.Parse(""));
        Assert.Equal(15, PrometheusText.Sum(Exposition, "sidecar_updates_applied_total"));
    }

    [Fact]
    public void A_name_matches_whole_and_not_as_a_prefix()
    {
        Assert.Equal(99, PrometheusText.Sum(Exposition, "sidecar_updates_applied_total_rate"));
        Assert.Equal(0, PrometheusText.Sum(Exposition, "sidecar_updates_applied"));
    }

    [Fact]
    public void A_sample_timestamp_is_not_taken_for_the_value()
    {
        var sample = PrometheusText.Parse("""sidecar_updates_applied_total{origin="dc-b"} 5 1733112000000""");
        Assert.Equal(new PrometheusSample("""sidecar_updates_applied_total{origin="dc-b"}""", 5, 1733112000000), sample);
        Assert.Equal(5, PrometheusText.Sum(Exposition, "sidecar_updates_applied_total", "\"dc-b\""));
    }

    [Fact]
    public void Escaped_label_values_are_read_whole_and_unescaped()
    {
        var series = Assert.Single(PrometheusText.Series(Exposition, "sidecar_quoted", ""));
        Assert.Equal(3, series.Value);
        Assert.Equal("C:\\data", PrometheusText.Label(series.Labels, "path"));
        Assert.Equal("say \"hi\"} now", PrometheusText.Label(series.Labels, "msg"));
        Assert.Equal("a\nb", PrometheusText.Label(series.Labels, "lines"));
        Assert.Null(PrometheusText.Label(series.Labels, "now"));
    }

    [Fact]
    public void A_label_is_found_by_its_whole_name()
    {
        Assert.Null(PrometheusText.Label("""m{handle="x"}""", "le"));
        Assert.Equal("x", PrometheusText.Label("""m{handle="x", le="x"}""", "le"));
    }

    [Fact]
    public void An_empty_label_set_and_no_label_set_are_series()
    {
        Assert.Equal(7, PrometheusText.Sum(Exposition, "sidecar_empty"));
        Assert.Equal(8, PrometheusText.Sum(Exposition, "sidecar_plain"));
        Assert.Null(PrometheusText.Label("sidecar_plain", "le"));
        Assert.Null(PrometheusText.Label("sidecar_empty{}", "le"));
    }

    [Fact]
    public void Infinities_and_nan_are_values()
    {
        Assert.Equal(double.PositiveInfinity, PrometheusText.Sum(Exposition, "sidecar_limits", "\"max\""));
        Assert.Equal(double.NegativeInfinity, PrometheusText.Sum(Exposition, "sidecar_limits", "\"min\""));
        Assert.True(double.IsNaN(PrometheusText.Sum(Exposition, "sidecar_unknown")));
    }

    [Fact]
    public void Histogram_series_are_read_by_their_suffixes()
    {
        Assert.Equal(2.5, PrometheusText.Sum(Exposition, "sidecar_latency_seconds_sum"));
        Assert.Equal(100, PrometheusText.Sum(Exposition, "sidecar_latency_seconds_count", "route=\"get\""));
        Assert.Equal(240, PrometheusText.Sum(Exposition, "sidecar_latency_seconds_bucket"));
        Assert.Equal(0, PrometheusText.Sum(Exposition, "sidecar_latency_seconds"));
    }

    [Fact]
    public void A_quantile_interpolates_inside_its_bucket()
    {
        // Rank 50 of 100 is the end of the first bucket; rank 70 is halfway through the second.
        Assert.Equal(0.01, PrometheusText.Quantile(Exposition, "sidecar_latency_seconds", 0.5), 9);
        Assert.Equal(0.055, PrometheusText.Quantile(Exposition, "sidecar_latency_seconds", 0.7), 9);
        // Past the last finite bucket the estimate is that bucket's bound, as histogram_quantile does.
        Assert.Equal(0.1, PrometheusText.Quantile(Exposition, "sidecar_latency_seconds", 0.99), 9);
        Assert.True(double.IsNaN(PrometheusText.Quantile(Exposition, "sidecar_missing_seconds", 0.5)));
    }

    [Fact]
    public void A_quantile_between_two_scrapes_counts_only_what_was_observed_between_them()
    {
        var before = """
            h_bucket{le="0.01"} 50
            h_bucket{le="0.1"} 50
            h_bucket{le="+Inf"} 50 1733112000000
            """;
        var after = """
            h_bucket{le="0.01"} 50
            h_bucket{le="0.1"} 60
            h_bucket{le="+Inf"} 60 1733112015000
            """;
        Assert.Equal(0.055, PrometheusText.Quantile(before, after, "h", 0.5), 9);
    }

    [Fact]
    public void Windows_line_ends_are_tolerated()
    {
        Assert.Equal(3, PrometheusText.Sum("a 1\r\na{x=\"y\"} 2\r\n", "a"));
    }

    [Fact]
    public void A_malformed_line_is_skipped_not_thrown()
    {
        Assert.Null(PrometheusText.Parse("""m{a="unterminated} 1"""));
        Assert.Null(PrometheusText.Parse("m one"));
        Assert.Equal(1, PrometheusText.Sum("m one\nm 1\n", "m"));
    }
}
