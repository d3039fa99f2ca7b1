using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>On a deployment of its own: 3 Consul servers per datacenter.</summary>
public sealed class ConsulLeaderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Consul_leader_killed_during_a_rollout_ends_with_every_node_on_one_version_and_no_loss()
    {
        await using var scenario = await ChaosScenario.StartAsync("consul-leader-killed", output, consulServers: 3);
        var deployment = scenario.Deployment;
        await RolloutScenario.RunAsync(scenario, async (_, version) =>
        {
            var leader = await deployment.ConsulLeaderAsync(deployment.A);
            await leader.KillAsync();
            scenario.Fault($"rollout of {version} in dc-a under writes; kill -9 dc-a's Consul leader {leader.Alias} mid-round for 5 s");
            await ChaosScenario.Hold(TimeSpan.FromSeconds(5));
            await leader.RestartAsync();
            await leader.WaitHttpAsync("/v1/status/leader", TimeSpan.FromSeconds(60));
        });
    }
}
