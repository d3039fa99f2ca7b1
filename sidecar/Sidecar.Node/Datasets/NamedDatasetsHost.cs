namespace Sidecar.Node.Datasets;

/// <summary>
/// Runs the hosted services of every named dataset's container (its snapshot agent, rollout
/// coordinator and ingest loop, in that order, as the node runs the default dataset's) with the
/// node's own: started after the default dataset's, stopped before them, each dataset in turn.
/// </summary>
internal sealed class NamedDatasetsHost : IHostedService
{
    private readonly NodeDatasets _datasets;
    private readonly List<IHostedService> _started = [];

    public NamedDatasetsHost(NodeDatasets datasets) => _datasets = datasets;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, parts) in _datasets.Named)
        {
            foreach (var service in parts.GetServices<IHostedService>())
            {
                await service.StartAsync(cancellationToken);
                _started.Add(service);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(cancellationToken);
        }

        _started.Clear();
    }
}
