using Yarp.ReverseProxy.Forwarder;

namespace Sidecar.Proxy.Forwarding;

/// <summary>
/// Copies the request and response as they are (no X-Forwarded-*: the nodes do not need them,
/// and every header costs CPU on both sides). One exception: a 502/503/504 from a node for a
/// request that may be repeated is not passed on (returning false leaves the response unstarted),
/// so the handler can retry it on the user's next node.
/// </summary>
internal sealed class NodeTransformer : HttpTransformer
{
    public static readonly NodeTransformer Instance = new();

    private NodeTransformer()
    {
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && IsRetriableStatus((int)proxyResponse.StatusCode) && Idempotency.IsRetriable(httpContext.Request))
        {
            return new ValueTask<bool>(false);
        }

        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    public static bool IsRetriableStatus(int status) => status is 502 or 503 or 504;
}
