using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sidecar.Node.Ingest;

namespace Sidecar.Node.Health;

/// <summary>Ready only when ingest is caught up to within the configured lag: a node that
/// serves stale data must not receive traffic.</summary>
internal sealed class IngestReadinessCheck : IHealthCheck
{
    private readonly IngestStatus _status;

    public IngestReadinessCheck(IngestStatus status) => _status = status;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_status.CaughtUp
            ? HealthCheckResult.Healthy($"lag {_status.Lag}")
            : HealthCheckResult.Unhealthy($"catching up: lag {_status.Lag}, {_status.AssignedPartitions} partitions" +
                (_status.LastError is null ? "" : $", last error: {_status.LastError}")));
}
