using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sidecar.Node.Datasets;
using Sidecar.Node.Ingest;

namespace Sidecar.Node.Health;

/// <summary>Ready only when every dataset's ingest is caught up to within the configured lag: a
/// node that serves stale data of any dataset must not receive traffic.</summary>
internal sealed class IngestReadinessCheck : IHealthCheck
{
    private readonly NodeDatasets _datasets;

    public IngestReadinessCheck(NodeDatasets datasets) => _datasets = datasets;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var datasets = _datasets.All.ToList();
        // One dataset reads as it always did; several name theirs.
        string Line(Dataset d) => (datasets.Count == 1 ? "" : d.Name + ": ") + Describe(d.Status);
        var behind = datasets.Where(d => !d.Status.CaughtUp).ToList();
        return Task.FromResult(behind.Count == 0
            ? HealthCheckResult.Healthy(string.Join("; ", datasets.Select(Line)))
            : HealthCheckResult.Unhealthy(string.Join("; ", behind.Select(Line))));
    }

    private static string Describe(IngestStatus status) =>
        status.CaughtUp
            ? $"lag {status.Lag}"
            : $"catching up: lag {status.Lag}, {status.AssignedPartitions} partitions" + (status.LastError is null ? "" : $", last error: {status.LastError}");
}
