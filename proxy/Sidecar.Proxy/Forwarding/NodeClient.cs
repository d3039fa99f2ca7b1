using System.Net;
using Microsoft.Extensions.Options;
using Sidecar.Proxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Sidecar.Proxy.Forwarding;

/// <summary>
/// The one connection pool to every node. Tuned for a proxy on a trusted network: no system
/// proxy lookup, no cookies, no redirects, no decompression (bytes pass through as they are),
/// no trace header injection, HTTP/1.1 (the nodes speak plain HTTP/1.1; skipping the
/// HTTP/2 negotiation attempt), pooled keep-alive connections.
/// </summary>
internal sealed class NodeClient : IDisposable
{
    public NodeClient(IOptions<ProxyOptions> options)
    {
        var forwarder = options.Value.Forwarder;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = forwarder.MaxConnectionsPerServer,
            ConnectTimeout = forwarder.ConnectTimeout,
            PooledConnectionIdleTimeout = forwarder.PooledConnectionIdleTimeout,
        });
        RequestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = forwarder.ActivityTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            AllowResponseBuffering = false,
        };
    }

    public HttpMessageInvoker Invoker { get; }

    public ForwarderRequestConfig RequestConfig { get; }

    public void Dispose() => Invoker.Dispose();
}
