namespace Sidecar.Bench;

/// <summary>
/// The comparison for node GETs: a bare Kestrel endpoint that answers every
/// /v1/users/{id} with the same bytes the node served, with no store behind it.
/// </summary>
internal static class BareKestrel
{
    public static async Task ServeAsync(BenchArgs args)
    {
        var body = await File.ReadAllBytesAsync(args.Text("body", ""));
        var builder = WebApplication.CreateSlimBuilder(["--urls", args.Text("urls", "http://127.0.0.1:5099")]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/v1/users/{userId}", async (HttpResponse response) =>
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(body);
        });
        app.MapGet("/health/live", () => Results.Ok());
        await app.RunAsync();
    }
}
