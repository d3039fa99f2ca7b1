using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Common.Health;
using Sidecar.Common.Hosting;
using Sidecar.Proxy;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Forwarding;
using Sidecar.Proxy.Routing;

// appsettings.json is found next to the program whatever the working directory.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5070");
}

builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.Logging.AddSidecarConsole(builder.Configuration);
builder.Services.AddSidecarProxy(builder.Configuration);

var app = builder.Build();
if (await new StartupValidation(app.Services).Check<ProxyOptions>(ProxyOptions.Section).ReportAsync(Console.Error))
{
    return StartupValidation.ExitCode;
}

// User traffic is forwarded before routing runs: the proxy's own few endpoints are the
// exception, so the hot path pays for no endpoint matching.
var forwarder = app.Services.GetRequiredService<UserForwarder>();
app.Use((context, next) => IsOwnEndpoint(context.Request.Path) ? next(context) : forwarder.HandleAsync(context));
app.UseRouting();
app.MapGet("/proxy/route/{userId}", (string userId, RouteExplainer explainer) => Results.Json(explainer.Explain(userId), AdminJson.Default.RouteExplanation));
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");
await app.RunAsync();
return 0;

static bool IsOwnEndpoint(PathString path) =>
    path.StartsWithSegments("/proxy", StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal)
    || path.Equals("/metrics", StringComparison.Ordinal);
