using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Replicator.Configuration;
using Sidecar.Replicator.Health;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Tests.Health;

public sealed class MirrorHealthCheckTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly MirrorState _state = new();
    private readonly MirrorHealthCheck _check;

    public MirrorHealthCheckTests() =>
        _check = new MirrorHealthCheck(_state, Options.Create(new ReplicatorOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) }));

    [Fact]
    public async Task A_partition_the_target_has_not_acknowledged_for_over_10_s_is_unhealthy()
    {
        var progress = Add(0);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await CheckAsync();
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"target has not acknowledged {progress.Source} for over 10 s", result.Description);

        progress.Acked(0, _time.GetTimestamp());
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }

    [Fact]
    public async Task A_gap_is_unhealthy_with_its_reason()
    {
        var progress = Add(0);
        progress.Gap = "records 5..9 are no longer in the source (retention)";

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"gap: {progress.Source}: records 5..9 are no longer in the source (retention)", result.Description);
    }

    private PartitionProgress Add(int partition)
    {
        var source = new TopicPartition("updates", partition);
        var progress = new PartitionProgress("dc-a", source, new TopicPartition("dc-a.updates", partition), _time);
        _state.Partitions[source] = progress;
        return progress;
    }

    private Task<HealthCheckResult> CheckAsync() => _check.CheckHealthAsync(new HealthCheckContext());
}
