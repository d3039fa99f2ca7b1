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
        await RolloutUnderFaultAsync(scenario, async (coordinator, version) =>
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
        await RolloutUnderFaultAsync(scenario, async (coordinator, version) =>
        {
            var participant = scenario.Deployment.A.Nodes.First(n => n != coordinator);
            await participant.PauseAsync();
            scenario.Fault($"rollout of {version} in dc-a under writes; participant {participant.Alias} paused mid-round for 5 s (its Consul check TTL is 3 s)");
            await ChaosScenario.Hold(TimeSpan.FromSeconds(5));
            await participant.UnpauseAsync();
        });
    }

    /// <summary>
    /// Publishes a version, starts writers, starts a rollout in dc-a and injects
    /// <paramref name="fault"/> while its round is open (participants hold their votes back:
    /// Rollout:PrepareDelay), then lets the round be decided, retries an aborted one as an
    /// operator would, rolls dc-b to the same version, and checks every invariant plus one
    /// version on every node.
    /// </summary>
    private static async Task RolloutUnderFaultAsync(ChaosScenario scenario, Func<Service, string, Task> fault)
    {
        var deployment = scenario.Deployment;
        var version = "v" + Guid.NewGuid().ToString("N")[..8];
        await Rollouts.PublishAsync(deployment, version, users: 50);
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        await Rollouts.StartAsync(deployment, deployment.A, version, wait: false);
        var coordinator = await WaitAsync(async () =>
        {
            var tree = await Rollouts.TreeAsync(deployment.A);
            return Rollouts.NewestRound(tree) is { } round && !tree.ContainsKey(round + "decision")
                ? await Rollouts.CoordinatorAsync(deployment.A)
                : null;
        });
        await fault(deployment.A.Nodes.Single(n => n.Alias == $"node-{coordinator}"), version);
        var first = await Rollouts.WaitDecisionAsync(deployment.A, TimeSpan.FromSeconds(60));
        scenario.Fault($"the round was decided: {first}");
        if (first != "commit")
        {
            await Rollouts.StartAsync(deployment, deployment.A, version, wait: true);
        }

        await Rollouts.StartAsync(deployment, deployment.B, version, wait: true);
        scenario.Healed($"{version} committed in dc-a and dc-b");

        await scenario.ConvergeAsync();
        foreach (var node in deployment.Nodes)
        {
            Assert.Equal(version, await Rollouts.VersionAsync(node));
        }
    }

    private static async Task<string> WaitAsync(Func<Task<string?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { Length: > 0 } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("no open rollout round with a coordinator within 30 s");
    }
}
