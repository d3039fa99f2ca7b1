using System.Diagnostics.Metrics;

namespace Sidecar.Common.Contracts;

/// <summary>Creates instruments from a <see cref="MetricName"/>, so name, unit and kind come from the one definition.</summary>
public static class MeterExtensions
{
    public static Counter<T> CreateCounter<T>(this Meter meter, MetricName metric, string description)
        where T : struct =>
        meter.CreateCounter<T>(Of(metric, MetricKind.Counter).Name, metric.Unit, description);

    public static ObservableCounter<T> CreateObservableCounter<T>(this Meter meter, MetricName metric, Func<T> observe, string description)
        where T : struct =>
        meter.CreateObservableCounter(Of(metric, MetricKind.Counter).Name, observe, metric.Unit, description);

    public static Histogram<T> CreateHistogram<T>(this Meter meter, MetricName metric, string description, InstrumentAdvice<T>? advice = null)
        where T : struct =>
        meter.CreateHistogram(Of(metric, MetricKind.Histogram).Name, metric.Unit, description, tags: null, advice);

    public static ObservableGauge<T> CreateObservableGauge<T>(this Meter meter, MetricName metric, Func<T> observe, string description)
        where T : struct =>
        meter.CreateObservableGauge(Of(metric, MetricKind.Gauge).Name, observe, metric.Unit, description);

    public static ObservableGauge<T> CreateObservableGauge<T>(this Meter meter, MetricName metric, Func<IEnumerable<Measurement<T>>> observe, string description)
        where T : struct =>
        meter.CreateObservableGauge(Of(metric, MetricKind.Gauge).Name, observe, metric.Unit, description);

    private static MetricName Of(MetricName metric, MetricKind kind) =>
        metric.Kind == kind ? metric : throw new ArgumentException($"{metric.Name} is a {metric.Kind}, not a {kind}.", nameof(metric));
}
