using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Store.Rollout;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Coordination;

/// <summary>
/// The node's Consul clients and the names it uses (service id, readiness check id). Exists
/// only when <c>Consul:Address</c> is configured. Both clients talk to the local agent:
/// <see cref="Client"/> for this node's registration, <see cref="Rollout"/> for the rollout keys,
/// which live in <see cref="RolloutDatacenter"/> (reached with <c>?dc=</c> when it is another one).
/// </summary>
internal sealed class NodeConsul : IDisposable
{
    public NodeConsul(IOptions<ConsulOptions> options, IOptions<NodeOptions> node, IOptions<RolloutOptions> rollout, DatasetScope dataset, TimeProvider time)
    {
        Options = options.Value;
        Dataset = dataset.Name;
        NodeId = node.Value.Id;
        Datacenter = node.Value.Datacenter;
        RolloutDatacenter = string.IsNullOrWhiteSpace(rollout.Value.Datacenter) ? Datacenter : rollout.Value.Datacenter;
        Client = new ConsulClient(new ConsulClientOptions { Address = new Uri(Options.Address!), Token = Options.Token, TimeProvider = time });
        Rollout = IsRemote
            ? new ConsulClient(new ConsulClientOptions { Address = new Uri(Options.Address!), Token = Options.Token, Datacenter = RolloutDatacenter, TimeProvider = time })
            : Client;
        Keys = new RolloutKeys(Options.KvPrefix);
    }

    public ConsulOptions Options { get; }

    /// <summary>The local agent, for this node's own service and checks.</summary>
    public ConsulClient Client { get; }

    /// <summary>The rollout keys' datacenter: KV, sessions, transactions of rollouts.</summary>
    public ConsulClient Rollout { get; }

    public RolloutKeys Keys { get; }

    /// <summary>The dataset whose rounds these keys hold (<see cref="Keys"/> are under its prefix).</summary>
    public string Dataset { get; }

    public string NodeId { get; }

    public string Datacenter { get; }

    /// <summary>The datacenter whose KV holds the rollout keys this node follows (its own unless
    /// <c>Rollout:Datacenter</c> names another one: a global rollout coordinated there).</summary>
    public string RolloutDatacenter { get; }

    /// <summary>The rollout keys are in another datacenter: this node's session there cannot be
    /// bound to its own checks (they are in its datacenter's catalog), so it is a renewed TTL session.</summary>
    public bool IsRemote => RolloutDatacenter != Datacenter;

    /// <summary>The node's service id: its node id, unique in the datacenter.</summary>
    public string ServiceId => NodeId;

    /// <summary>The TTL check that passes only while the node is ready; votes' sessions are bound to it.</summary>
    public string ReadyCheckId => $"{Options.ServiceName}-ready-{NodeId}";

    public void Dispose()
    {
        if (!ReferenceEquals(Rollout, Client))
        {
            Rollout.Dispose();
        }

        Client.Dispose();
    }
}
