using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Sidecar.Common.Health;
using Sidecar.Common.Hosting;
using Sidecar.Node;
using Sidecar.Node.Api;
using Sidecar.Node.Configuration;

var builder = WebApplication.CreateSlimBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    // Loopback unless told otherwise (ASPNETCORE_URLS, --urls or Urls in configuration).
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

H2cEndpoint.Configure(builder.Configuration);
builder.Services.AddSidecarNode(builder.Configuration);
builder.Logging.AddSidecarConsole(builder.Configuration);

var app = builder.Build();
var validation = new StartupValidation(app.Services)
    .Check<NodeOptions>(NodeOptions.Section)
    .Check<KafkaOptions>(KafkaOptions.Section)
    .Check<StoreOptions>(StoreOptions.Section)
    .Check<ApiOptions>(ApiOptions.Section)
    .Check<ConsulOptions>(ConsulOptions.Section)
    .Check<RolloutOptions>(RolloutOptions.Section)
    .Check<DatasetsOptions>(null) // its problems name their keys (Datasets:<name>:...)
    .Check<RulesOptions>(null);
if (await validation.ReportAsync(Console.Error))
{
    // A bad configuration stops the node before it touches data, with every failure listed.
    return StartupValidation.ExitCode;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapWriteEndpoints();
app.MapReadEndpoints();
app.MapAdminEndpoints();
app.MapCheckpointEndpoints();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");

await app.RunAsync();
return 0;
