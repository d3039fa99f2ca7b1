using System.Globalization;
using Sidecar.Testing;

namespace Sidecar.Stack;

/// <summary>
/// Where every part of the local stack listens: fixed ports counted from one base, so that the
/// URLs printed at start stay the same from run to run (and another base moves them all).
/// </summary>
internal sealed class StackLayout
{
    public const int DefaultBasePort = 7100;

    public static readonly string[] Datacenters = ["dc-a", "dc-b"];

    /// <summary>The clickstream topics every datacenter's Kafka holds (8 partitions each) and the rules file reads.</summary>
    public static readonly string[] SourceTopics = ["clicks.b2c", "clicks.b2b"];

    /// <summary>User segments, set by the load and rebuilt by a snapshot rollout (<c>sidecarctl ... --dataset segments</c>).</summary>
    public const string Segments = "segments";

    /// <summary>The hotels a user viewed lately, each for 30 days (<c>ItemTtl</c>), pushed by the load.</summary>
    public const string Recent = "recent";

    /// <summary>The named datasets every node serves beside the default one (<c>Datasets:&lt;name&gt;:Topic</c>
    /// = the name), whose topics every datacenter's Kafka holds and the replicators mirror.</summary>
    public static readonly string[] NamedDatasets = [Segments, Recent];

    /// <summary>Partitions of every topic of the stack's Kafka.</summary>
    public const int TopicPartitions = 8;

    /// <summary>The nodes' settings of the named datasets: <c>segments</c> groups its keys by its
    /// topic's partitions (docs/architecture.md, Key layout), <c>recent</c> keeps the flat layout.</summary>
    public static IEnumerable<string> DatasetSettings =>
        [.. NamedDatasets.SelectMany(d => new[] { $"--Datasets:{d}:Topic", d }), $"--Datasets:{Recent}:ItemTtl", "30.00:00:00",
            $"--Datasets:{Segments}:Partitions", $"{TopicPartitions}"];

    /// <summary>The ingest rules every node runs (<c>Rules:File</c>): the demo's, in the repository.</summary>
    public static string RulesFile => Path.Combine(Repo.Root, "compose", "rules", "clickstream.yaml");

    public StackLayout(int basePort, string dataRoot, int nodesPerDatacenter)
    {
        BasePort = basePort;
        DataRoot = dataRoot;
        NodesPerDatacenter = nodesPerDatacenter;
    }

    public int BasePort { get; }

    public string DataRoot { get; }

    public int NodesPerDatacenter { get; }

    public string Dashboard => Url(0);

    /// <summary>dc-a's proxy on base+1, dc-b's on base+2.</summary>
    public string Proxy(int dc) => Url(1 + dc);

    /// <summary>dc-a's nodes from base+11, dc-b's from base+21.</summary>
    public string Node(int dc, int index) => Url(11 + (10 * dc) + index);

    /// <summary>The nodes' HTTP/2 clear-text listeners, which the proxies use: dc-a's from base+51, dc-b's from base+61.</summary>
    public string NodeH2c(int dc, int index) => Url(51 + (10 * dc) + index);

    public static string NodeId(int dc, int index) => string.Create(CultureInfo.InvariantCulture, $"{Datacenters[dc][^1]}{index + 1}");

    /// <summary>The replicator that mirrors datacenter <paramref name="source"/> into the other: base+31, base+32.</summary>
    public string Replicator(int source) => Url(31 + source);

    public static string ReplicatorId(int source) => $"{Datacenters[source]}-to-{Datacenters[1 - source]}";

    /// <summary>Consul's HTTP API: base+41 for dc-a, base+42 for dc-b.</summary>
    public int ConsulPort(int dc) => BasePort + 41 + dc;

    /// <summary>
    /// Every port of datacenter <paramref name="dc"/>'s Consul agent: the HTTP API (above), then
    /// serf LAN, serf WAN and server RPC from base+43 for dc-a and base+46 for dc-b. They come from
    /// the base, not from a free-port pick, so that two stacks on one machine (two test fixtures)
    /// can never pick each other's ports.
    /// </summary>
    public ConsulPorts ConsulPorts(int dc)
    {
        var first = BasePort + 43 + (3 * dc);
        return new ConsulPorts(ConsulPort(dc), first, first + 1, first + 2);
    }

    public string Consul(int dc) => Url(41 + dc);

    /// <summary>The Prometheus server that scrapes every node, proxy and replicator: base+49.</summary>
    public int PrometheusPort => BasePort + 49;

    public string Prometheus => Url(49);

    /// <summary>The alert rules Prometheus evaluates: compose's, in the repository (docs/operations.md, Alert rules).</summary>
    public static string AlertRules => Path.Combine(Repo.Root, "compose", "prometheus", "alerts.yml");

    private string Url(int offset) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{BasePort + offset}");
}
