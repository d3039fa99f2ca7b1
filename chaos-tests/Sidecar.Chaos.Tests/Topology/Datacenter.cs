using DotNet.Testcontainers.Networks;

namespace Sidecar.Chaos.Tests.Topology;

/// <summary>One datacenter's containers: Consul server(s), Kafka, nodes, a proxy, and the
/// replicator that mirrors this datacenter's updates into the other one.</summary>
internal sealed class Datacenter
{
    public Datacenter(string name, INetwork network)
    {
        Name = name;
        Network = network;
    }

    public string Name { get; }

    /// <summary>"a" for dc-a: the suffix of every alias here.</summary>
    public string Short => Name[(Name.LastIndexOf('-') + 1)..];

    public INetwork Network { get; }

    public List<Service> Consul { get; } = [];

    public Service Kafka { get; set; } = null!;

    public List<Service> Nodes { get; } = [];

    public Service Proxy { get; set; } = null!;

    /// <summary>Mirrors this datacenter's own updates into the other datacenter's Kafka.</summary>
    public Service Replicator { get; set; } = null!;

    /// <summary>What sits on the wan besides Consul: cut by a partition.</summary>
    public IEnumerable<Service> WanMembers => [Kafka, .. Nodes, Proxy, Replicator];
}
