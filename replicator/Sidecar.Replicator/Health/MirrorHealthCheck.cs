using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sidecar.Replicator.Configuration;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Health;

/// <summary>
/// Unhealthy when a gap stopped a partition, or when the target has acknowledged nothing for a
/// partition for much longer than the heartbeat interval (heartbeats flow even without traffic).
/// </summary>
internal sealed class MirrorHealthCheck : IHealthCheck
{
    private readonly MirrorState _state;
    private readonly TimeSpan _stale;

    public MirrorHealthCheck(MirrorState state, IOptions<ReplicatorOptions> options)
    {
        _state = state;
        _stale = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(10).Ticks, options.Value.HeartbeatInterval.Ticks * 5));
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var gaps = _state.Stopped.Select(p => $"{p.Source}: {p.Gap}").ToList();
        if (gaps.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("gap: " + string.Join("; ", gaps)));
        }

        var stale = _state.Partitions.Values.Where(p => p.SinceLastAck > _stale).Select(p => p.Source.ToString()).ToList();
        return Task.FromResult(stale.Count > 0
            ? HealthCheckResult.Unhealthy($"target has not acknowledged {string.Join(", ", stale)} for over {_stale.TotalSeconds:0} s")
            : HealthCheckResult.Healthy($"{_state.Partitions.Count} partitions, lag {_state.LagRecords()} records"));
    }
}
