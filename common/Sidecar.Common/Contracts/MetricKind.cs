namespace Sidecar.Common.Contracts;

/// <summary>What kind of instrument a metric is: it decides the Prometheus suffix.</summary>
public enum MetricKind
{
    /// <summary>A monotonic counter (observable or not): exported with <c>_total</c>.</summary>
    Counter,

    /// <summary>A gauge: exported under its name and unit.</summary>
    Gauge,

    /// <summary>A histogram: exported as <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series of its name and unit.</summary>
    Histogram,
}
