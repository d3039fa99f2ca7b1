using Sidecar.Proxy.Health;
using Sidecar.Proxy.Routing;

namespace Sidecar.Proxy.Membership;

/// <summary>
/// A node as the router sees it: immutable identity plus the shared health state of that
/// identity. Everything a request needs is precomputed here, so routing allocates nothing.
/// </summary>
public sealed class Node
{
    public Node(NodeAddress address, NodeHealth health)
    {
        Id = address.Id;
        Datacenter = address.Datacenter;
        Prefix = address.Address.TrimEnd('/');
        IdHash = UserHash.OfNodeId(Id);
        Health = health;
    }

    public string Id { get; }

    public string Datacenter { get; }

    /// <summary>The base URL requests are forwarded to (no trailing slash).</summary>
    public string Prefix { get; }

    /// <summary>Hash of the id: rendezvous scores mix it with the user's hash.</summary>
    public ulong IdHash { get; }

    public NodeHealth Health { get; }

    public override string ToString() => $"{Id}@{Datacenter}";
}
