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
        Address = address.Address.TrimEnd('/');
        // Schemes are case-insensitive (validation took "H2C://" too).
        Http2 = Address.StartsWith(H2cScheme, StringComparison.OrdinalIgnoreCase);
        Prefix = Http2 ? "http" + Address[3..] : Address;
        IdHash = UserHash.OfNodeId(Id);
        Health = health;
    }

    public string Id { get; }

    public string Datacenter { get; }

    /// <summary>An address with this scheme names a node's HTTP/2 clear-text listener (the node's <c>Api:H2cUrl</c>).</summary>
    public const string H2cScheme = "h2c://";

    /// <summary>The address as membership gave it (no trailing slash): what identifies this node's place.</summary>
    public string Address { get; }

    /// <summary>Requests go to this node with HTTP/2 over clear text (prior knowledge), not HTTP/1.1.</summary>
    public bool Http2 { get; }

    /// <summary>The base URL requests are forwarded to (no trailing slash; http:// also for an h2c address).</summary>
    public string Prefix { get; }

    /// <summary>Hash of the id: rendezvous scores mix it with the user's hash.</summary>
    public ulong IdHash { get; }

    public NodeHealth Health { get; }

    public override string ToString() => $"{Id}@{Datacenter}";
}
