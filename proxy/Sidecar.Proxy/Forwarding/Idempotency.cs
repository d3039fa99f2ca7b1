using Sidecar.Common.Contracts;

namespace Sidecar.Proxy.Forwarding;

/// <summary>Which requests may be sent to a second node: reads, and writes the client made safe to repeat with a key.</summary>
public static class Idempotency
{
    public static bool IsRetriable(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || request.Headers.ContainsKey(IdempotencyHeaders.Key);
}
