using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Sidecar.Bench;

/// <summary>
/// The floor under Sidecar.Proxy in <c>bench/proxy-wrk.sh</c>: YARP's <see cref="IHttpForwarder"/>
/// sending everything to one fixed node, with the proxy's client settings and nothing else (no
/// user id, routing, health, retries, metrics or logging). What it costs per request is what
/// Kestrel plus <c>HttpClient</c> cost, whatever a proxy built on them does on top.
/// </summary>
internal static class BareForwarder
{
    public static async Task ServeAsync(BenchArgs args)
    {
        var destination = args.Text("to", "http://127.0.0.1:5080");
        var http2 = destination.StartsWith("h2c://", StringComparison.Ordinal);
        var prefix = http2 ? "http" + destination[3..] : destination;
        var builder = WebApplication.CreateSlimBuilder(["--urls", args.Text("urls", "http://127.0.0.1:5098")]);
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = 512,
        });
        var config = new ForwarderRequestConfig
        {
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            AllowResponseBuffering = false,
        };
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Run(async context => await forwarder.SendAsync(context, prefix, invoker, config, HttpTransformer.Empty));
        await app.RunAsync();
    }
}
