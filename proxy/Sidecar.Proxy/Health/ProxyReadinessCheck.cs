using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Health;

/// <summary>Ready when membership is loaded and at least one node in some datacenter takes requests.</summary>
internal sealed class ProxyReadinessCheck(MembershipStore membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.Current;
        var available = snapshot.All.Count(n => n.Health.IsAvailable);
        return Task.FromResult(!membership.Loaded
            ? HealthCheckResult.Unhealthy("no membership loaded yet")
            : available == 0
                ? HealthCheckResult.Unhealthy($"none of {snapshot.All.Count} nodes is available")
                : HealthCheckResult.Healthy($"{available} of {snapshot.All.Count} nodes available (membership v{snapshot.Version})"));
    }
}
