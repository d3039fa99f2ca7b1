using Sidecar.Chaos.Tests.Topology;
using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class RolloutTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Rollout_with_its_coordinator_killed_ends_with_every_node_on_one_version_and_no_loss()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "rollout-coordinator-killed", output);
        await RolloutScenario.RunAsync(scenario, async (coordinator, version) =>
        {
            await coordinator.KillAsync();
            scenario.Fault($"rollout of {version} in dc-a under writes; kill -9 its coordinator {coordinator.Alias} mid-round for 3 s");
            await ChaosScenario.Hold(TimeSpan.FromSeconds(3));
            await coordinator.RestartAsync();
            await coordinator.WaitHttpAsync("/health/ready", TimeSpan.FromSeconds(60));
        });
    }

    [Fact]
    public async Task Rollout_with_a_participant_paused_ends_with_every_node_on_one_version_and_no_loss()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "rollout-participant-paused", output);
        await RolloutScenario.RunAsync(scenario, async (coordinator, version) =>
        {
            var participant = scenario.Deployment.A.Nodes.First(n => n != coordinator);
            await participant.PauseAsync();
            scenario.Fault($"rollout of {version} in dc-a under writes; participant {participant.Alias} paused mid-round for 5 s (its Consul check TTL is 3 s)");
            await ChaosScenario.Hold(TimeSpan.FromSeconds(5));
            await participant.UnpauseAsync();
        });
    }
}
