using System.CommandLine;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecar.Cli.Cluster;

namespace Sidecar.Cli.Dashboard;

/// <summary>
/// <c>dashboard</c>: serves one static page (plain HTML, CSS and JS, nothing fetched from elsewhere)
/// and the JSON it draws from: <c>GET /api/facts</c> (the latest read and a few minutes of history,
/// read once per interval by <see cref="DashboardSampler"/>) and <c>GET /api/route/{userId}</c>.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create(CliOptions shared)
    {
        var options = new ClusterOptions(shared);
        var urls = new Option<string>("--urls")
        {
            Description = "Where to serve the dashboard (default http://127.0.0.1:7100; loopback unless told otherwise)",
            DefaultValueFactory = _ => "http://127.0.0.1:7100",
        };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "How often the cluster is read (hh:mm:ss, 0.2 s to 1 min)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
        };
        var command = new Command("dashboard", """
            Serve a live web dashboard of the whole system: datacenters and nodes with health, the committed dataset
            version per node and any rollout with each vote, replication lag over time per direction, request rate and
            latency per node, and where a given user id is routed. Stops on Ctrl-C or SIGTERM.
            """) { urls, interval };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var every = result.GetValue(interval);
            if (every < TimeSpan.FromMilliseconds(200) || every > TimeSpan.FromMinutes(1))
            {
                throw new ArgumentException("--interval must be between 0.2 seconds and 1 minute");
            }

            var (reader, consul, http) = options.Reader(result);
            using (consul)
            using (http)
            {
                await RunAsync(result.GetValue(urls)!, reader, every, ct);
            }

            return 0;
        });
        return command;
    }

    private static async Task RunAsync(string urls, ClusterReader reader, TimeSpan interval, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(reader);
        builder.Services.AddSingleton(sp => new DashboardSampler(reader, interval, sp.GetRequiredService<ILogger<DashboardSampler>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DashboardSampler>());
        var app = builder.Build();

        var page = Page();
        app.MapGet("/", () => Results.Text(page, "text/html; charset=utf-8"));
        app.MapGet("/api/facts", (DashboardSampler sampler) => Results.Json(sampler.State(), ClusterJson.Default.DashboardState));
        app.MapGet("/api/route/{userId}", async (string userId, ClusterReader r, CancellationToken requestAborted) =>
            userId.Length is 0 or > 128
                ? Results.Problem("userId must be 1-128 characters", statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(await r.RouteAsync(userId, requestAborted), ClusterJson.Default.UserRoute));
        app.MapGet("/health/live", () => Results.Text("live"));
        app.Logger.LogInformation("Dashboard on {Urls}", urls);
        await app.RunAsync(ct);
    }

    private static string Page()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("dashboard.html")
            ?? throw new InvalidOperationException("dashboard.html is not embedded");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }
}
