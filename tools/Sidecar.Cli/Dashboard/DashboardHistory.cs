namespace Sidecar.Cli.Dashboard;

/// <summary>One point of the dashboard's time series: per replication direction its lag, per node its request rate and p99.</summary>
public sealed record HistoryPoint(
    DateTimeOffset At,
    IReadOnlyDictionary<string, double?> ReplicationLag,
    IReadOnlyDictionary<string, double?> ReplicationRate,
    IReadOnlyDictionary<string, double?> NodeRate,
    IReadOnlyDictionary<string, double?> NodeP99);

/// <summary>What <c>GET /api/facts</c> answers: the latest read and the series of the last minutes.</summary>
public sealed record DashboardState(Cluster.ClusterFacts? Facts, IReadOnlyList<HistoryPoint> History, bool Healthy);
