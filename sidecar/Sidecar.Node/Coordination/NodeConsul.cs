using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Store.Rollout;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Coordination;

/// <summary>
/// The node's one Consul client and the names it uses (service id, readiness check id). Exists
/// only when <c>Consul:Address</c> is configured.
/// </summary>
internal sealed class NodeConsul : IDisposable
{
    public NodeConsul(IOptions<ConsulOptions> options, IOptions<NodeOptions> node)
    {
        Options = options.Value;
        NodeId = node.Value.Id;
        Datacenter = node.Value.Datacenter;
        Client = new ConsulClient(new ConsulClientOptions { Address = new Uri(Options.Address!), Token = Options.Token });
        Keys = new RolloutKeys(Options.KvPrefix);
    }

    public ConsulOptions Options { get; }

    public ConsulClient Client { get; }

    public RolloutKeys Keys { get; }

    public string NodeId { get; }

    public string Datacenter { get; }

    /// <summary>The node's service id: its node id, unique in the datacenter.</summary>
    public string ServiceId => NodeId;

    /// <summary>The TTL check that passes only while the node is ready; votes' sessions are bound to it.</summary>
    public string ReadyCheckId => $"{Options.ServiceName}-ready-{NodeId}";

    public void Dispose() => Client.Dispose();
}
