namespace Sidecar.Common.Metrics;

/// <summary>One sample line of a Prometheus text exposition: the series as written
/// (<c>name{labels}</c>), its value and its optional timestamp in Unix milliseconds.</summary>
public sealed record PrometheusSample(string Series, double Value, long? TimestampMs);
