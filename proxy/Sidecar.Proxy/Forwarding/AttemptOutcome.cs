using Sidecar.Proxy.Membership;
using Sidecar.Proxy.Routing;

namespace Sidecar.Proxy.Forwarding;

/// <summary>What one attempt on one node gave: whether another node may be tried.</summary>
internal readonly record struct AttemptOutcome(Node? Node, RouteKind Kind, bool Retriable);
