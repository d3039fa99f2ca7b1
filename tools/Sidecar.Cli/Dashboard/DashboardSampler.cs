using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecar.Cli.Cluster;

namespace Sidecar.Cli.Dashboard;

/// <summary>
/// Reads the cluster once per interval, whoever watches: every viewer of the dashboard gets the
/// same latest facts and the same history (the last <see cref="Capacity"/> reads), so a page opened
/// now shows the past minutes at once and many viewers cost the cluster nothing more.
/// </summary>
internal sealed class DashboardSampler : BackgroundService
{
    public const int Capacity = 300;

    private readonly ClusterReader _reader;
    private readonly TimeSpan _interval;
    private readonly ILogger<DashboardSampler> _logger;
    private readonly Lock _lock = new();
    private readonly Queue<HistoryPoint> _history = new();
    private ClusterFacts? _latest;

    public DashboardSampler(ClusterReader reader, TimeSpan interval, ILogger<DashboardSampler> logger)
    {
        _reader = reader;
        _interval = interval;
        _logger = logger;
    }

    public DashboardState State()
    {
        lock (_lock)
        {
            return new DashboardState(_latest, _history.ToList(), _latest is not null && StatusCommand.Healthy(_latest));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                Add(await _reader.ReadAsync(stoppingToken));
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning("Reading the cluster failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private void Add(ClusterFacts facts)
    {
        var nodes = facts.Datacenters.SelectMany(d => d.Nodes).ToList();
        var point = new HistoryPoint(
            facts.At,
            facts.Replicators.GroupBy(Direction).ToDictionary(g => g.Key, g => g.First().LagRecords),
            facts.Replicators.GroupBy(Direction).ToDictionary(g => g.Key, g => g.First().RecordsPerSecond),
            nodes.GroupBy(n => n.Id).ToDictionary(g => g.Key, g => g.First().RequestsPerSecond),
            nodes.GroupBy(n => n.Id).ToDictionary(g => g.Key, g => g.First().LatencyMsP99));
        lock (_lock)
        {
            _latest = facts;
            _history.Enqueue(point);
            while (_history.Count > Capacity)
            {
                _history.Dequeue();
            }
        }
    }

    private static string Direction(ReplicatorFacts r) => r.Up ? $"{r.Source} → {r.Target}" : r.Url;
}
