using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Sidecar.Common.Contracts;
using Sidecar.Common.Health;
using Sidecar.Common.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sidecar.Common.Kafka;
using Sidecar.Replicator.Configuration;
using Sidecar.Replicator.Health;
using Sidecar.Replicator.Metrics;
using Sidecar.Replicator.Mirroring;

var builder = WebApplication.CreateSlimBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5090");
}

builder.Logging.AddSidecarConsole(builder.Configuration);
builder.Services.AddOptions<ReplicatorOptions>().Bind(builder.Configuration.GetSection(ReplicatorOptions.Section));
builder.Services.AddSingleton<IValidateOptions<ReplicatorOptions>, ReplicatorOptionsValidator>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<MirrorState>();
builder.Services.AddSingleton<ReplicatorMetrics>();
builder.Services.AddHostedService<MirrorService>();
builder.Services.AddHealthChecks().AddCheck<MirrorHealthCheck>("mirror", tags: ["ready"]);
builder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("sidecar-replicator"))
    .WithMetrics(m => m
        .AddMeter([ReplicatorMetrics.MeterName, .. PlatformMetricNames.Meters])
        .AddView(PlatformMetricNames.HttpServerRequestDuration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = PlatformMetricNames.LatencyBuckets })
        .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

var app = builder.Build();
// Its validator names each key in full (Replicator:Source...): no section prefix.
if (await new StartupValidation(app.Services).Check<ReplicatorOptions>(section: null).ReportAsync(Console.Error))
{
    return StartupValidation.ExitCode;
}

NativeKafka.EnsureLoaded();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapGet("/admin/status", (MirrorState state, IOptions<ReplicatorOptions> options) => Results.Json(
    new ReplicatorStatus(options.Value.Source, options.Value.Target, options.Value.Topics,
        state.Partitions.Values.Select(p => new ReplicatorPartitionStatus(p.Source.ToString(), p.Remote.ToString(), p.LastAcked, p.Gap, p.SinceLastAck.TotalSeconds)).ToList()),
    AdminJson.Default.ReplicatorStatus));
await app.RunAsync();
return 0;
