using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sidecar.Node.Datasets;

namespace Sidecar.Node.Health;

/// <summary>Ready only when every named dataset's ingest is caught up too (the default dataset's
/// is <see cref="IngestReadinessCheck"/>): a node that serves one dataset stale must not receive traffic.</summary>
internal sealed class DatasetsReadinessCheck : IHealthCheck
{
    private readonly NodeDatasets _datasets;

    public DatasetsReadinessCheck(NodeDatasets datasets) => _datasets = datasets;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var behind = _datasets.Named.Select(n => n.Dataset).Where(d => !d.Status.CaughtUp).ToList();
        return Task.FromResult(behind.Count == 0
            ? HealthCheckResult.Healthy($"{_datasets.Named.Count} named datasets caught up")
            : HealthCheckResult.Unhealthy("catching up: " + string.Join(", ", behind.Select(d => $"{d.Name} (lag {d.Status.Lag})"))));
    }
}
