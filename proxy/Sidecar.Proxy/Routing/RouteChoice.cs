using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Routing;

/// <summary>A node for one attempt of a request, and why it was chosen; no node when membership is empty.</summary>
public readonly record struct RouteChoice(Node? Node, RouteKind Kind);
