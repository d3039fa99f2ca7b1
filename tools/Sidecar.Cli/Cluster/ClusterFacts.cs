using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecar.Common.Contracts;

namespace Sidecar.Cli.Cluster;

// What sidecarctl status prints and the dashboard draws: one read of every datacenter's Consul
// (?dc=), rollout keys, nodes, replicators and proxies. Rates and recent latencies are over the
// time since the reader's previous read (null on the first one).

/// <summary>One read of the whole system; versions and rollouts are those of <paramref name="Dataset"/>.</summary>
public sealed record ClusterFacts(
    DateTimeOffset At,
    string Consul,
    IReadOnlyList<DatacenterFacts> Datacenters,
    IReadOnlyList<ReplicatorFacts> Replicators,
    IReadOnlyList<ProxyFacts> Proxies,
    IReadOnlyList<string> Problems,
    string Dataset = DatasetName.Default);

/// <summary>A datacenter: its committed version and rollout (its own Consul KV) and its nodes.</summary>
public sealed record DatacenterFacts(string Name, string? Committed, RolloutFacts? Rollout, IReadOnlyList<NodeFacts> Nodes, string? Error);

/// <summary>The latest rollout round of a datacenter's KV, or a pending request.</summary>
public sealed record RolloutFacts(
    ulong Round,
    string Version,
    string Scope,
    string Coordinator,
    string Decision,
    string? Reason,
    bool InProgress,
    IReadOnlyList<VoteFacts> Votes,
    string? PendingRequest);

/// <summary>A participant's vote ("yes", "no", "none"), its NO reason and its acknowledgement.</summary>
public sealed record VoteFacts(string Node, string Datacenter, string Vote, string? Reason, bool SessionLost, string? Ack);

/// <summary>A node as Consul and the node itself see it; <paramref name="Rules"/> as its /admin/status reports them (null when it runs none);
/// <paramref name="Datasets"/> every dataset it registers in Consul with its live version (<c>ServiceMetaKeys.Datasets</c>).</summary>
public sealed record NodeFacts(
    string Id,
    string Datacenter,
    string Url,
    string Health,
    string? HealthOutput,
    string? RegisteredVersion,
    string? Version,
    bool? CaughtUp,
    long? Lag,
    double? Applied,
    double? RequestsPerSecond,
    double? LatencyMsMean,
    double? LatencyMsP99,
    string? Error,
    RulesStatus? Rules = null,
    IReadOnlyDictionary<string, string>? Datasets = null);

/// <summary>A replicator (one direction) and how far behind it is.</summary>
public sealed record ReplicatorFacts(
    string Url,
    string Source,
    string Target,
    bool Up,
    double? LagRecords,
    double? Records,
    double? RecordsPerSecond,
    double? LatencyMsP99,
    double? Gaps,
    int? StoppedPartitions,
    string? Error);

/// <summary>A proxy: its datacenter (the first it prefers), up or not, and what it forwarded.</summary>
public sealed record ProxyFacts(string Url, string? Datacenter, bool Up, double? RequestsPerSecond, double? Retries, double? Failovers, string? Error);

/// <summary>Where a user goes from each proxy (<c>GET /proxy/route/{userId}</c>).</summary>
public sealed record UserRoute(string UserId, IReadOnlyList<ProxyRoute> Proxies);

public sealed record ProxyRoute(string Proxy, string? PreferredDatacenter, string? Node, string? Datacenter, string? Kind, string? Reason, IReadOnlyList<string> Order, string? Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ClusterFacts))]
[JsonSerializable(typeof(UserRoute))]
[JsonSerializable(typeof(Dashboard.DashboardState))]
public sealed partial class ClusterJson : JsonSerializerContext;
