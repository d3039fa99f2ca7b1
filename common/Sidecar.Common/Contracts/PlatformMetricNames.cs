namespace Sidecar.Common.Contracts;

/// <summary>
/// The .NET platform's meters that the node, the proxy and the replicator all export beside their
/// own: ASP.NET Core's requests, Kestrel's connections and the runtime's CPU, memory and GC. One
/// list, so the three processes answer the same questions on /metrics (request rate and latency,
/// CPU per request, heap growth) and an alert or dashboard written for one works for the others.
/// </summary>
public static class PlatformMetricNames
{
    /// <summary>The meters, by name, as <c>AddMeter</c> takes them.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    /// <summary>Buckets for request and batch durations. Our requests take microseconds, and the
    /// exporter's default buckets start at 5 ms, where every request would fall in the first one.</summary>
    public static double[] LatencyBuckets =>
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>ASP.NET Core's request duration (meter <c>Microsoft.AspNetCore.Hosting</c>), with
    /// <see cref="LatencyBuckets"/>; sidecarctl reads the node's user routes' rate and latency from it.</summary>
    public static readonly MetricName HttpServerRequestDuration = new("http.server.request.duration", "s", MetricKind.Histogram);

    /// <summary>The process's CPU time (meter <c>System.Runtime</c>), user and system.</summary>
    public static readonly MetricName ProcessCpuTime = new("dotnet.process.cpu.time", "s", MetricKind.Counter);

    /// <summary>The process's working set (meter <c>System.Runtime</c>).</summary>
    public static readonly MetricName ProcessWorkingSet = new("dotnet.process.memory.working_set", "By", MetricKind.Gauge);
}
