using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sidecar.Node;
using Sidecar.Node.Api;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSidecarNode(builder.Configuration);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapWriteEndpoints();
app.MapReadEndpoints();
app.MapAdminEndpoints();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapPrometheusScrapingEndpoint("/metrics");

try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // A bad configuration stops the node before it touches data, with every failure listed.
    await Console.Error.WriteLineAsync("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", e.Failures));
    return 2;
}
