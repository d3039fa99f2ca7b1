using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Sidecar.Common.Health;
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
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});

var app = builder.Build();
if (StartupValidation.Failures(app.Services) is { Count: > 0 } failures)
{
    // A bad configuration stops the node before it touches data, with every failure listed.
    await Console.Error.WriteLineAsync("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", failures));
    return 2;
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
