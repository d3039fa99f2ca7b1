namespace Sidecar.Cli.Cluster;

/// <summary>
/// What to look at. Nodes are found through Consul (every datacenter WAN-joined to the agent's);
/// replicators and proxies are not registered there, so they are named by URL.
/// </summary>
public sealed record ClusterTargets(string ServiceName, IReadOnlyList<Uri> Proxies, IReadOnlyList<Uri> Replicators);
