using Sidecar.Chaos.Tests.Topology;
using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>
/// On a deployment of its own: 3 Consul servers per datacenter. Two rounds in dc-a, one after the
/// other under the same writers, each with one Consul server killed -9 mid-round for 5 s:
/// <list type="number">
/// <item>dc-a's raft leader;</item>
/// <item>the server that the round's coordinator node talks to (its registration, session and
/// votes live there). A fresh clone's run once hung here for the 10-minute deadline: the
/// coordinator's vote could not be written and nothing wrote it again.</item>
/// </list>
/// When the first kill already was the coordinator's server, the second case is covered by it
/// and not run again (the output says so). Every round must be decided within 120 s.
/// </summary>
public sealed class ConsulLeaderTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Consul_leader_and_the_coordinators_server_killed_during_rollouts_end_with_every_node_on_one_version_and_no_loss()
    {
        await using var scenario = await ChaosScenario.StartAsync("consul-leader-killed", output, consulServers: 3);
        var deployment = scenario.Deployment;
        var first = await RolloutScenario.PublishAsync(deployment);
        var second = await RolloutScenario.PublishAsync(deployment);
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        var coveredBoth = false;
        await RolloutScenario.RoundAsync(scenario, first, async (coordinator, version) =>
        {
            var leader = await deployment.ConsulLeaderAsync(deployment.A);
            var itsServer = deployment.ConsulServerOf(coordinator);
            coveredBoth = itsServer == leader;
            await KillForAsync(scenario, leader, $"case 1: rollout of {version} in dc-a under writes; kill -9 dc-a's Consul leader {leader.Alias} mid-round for {Down.TotalSeconds:F0} s"
                + (coveredBoth
                    ? $" (it is also the server the coordinator {coordinator.Alias} talks to: case 2 is covered by this kill)"
                    : $" (the coordinator {coordinator.Alias} talks to {itsServer.Alias})"));
        });

        var last = first;
        if (coveredBoth)
        {
            scenario.Fault("case 2 not run: the leader killed in case 1 was the coordinator's own server");
        }
        else
        {
            last = second;
            await RolloutScenario.RoundAsync(scenario, second, async (coordinator, version) =>
            {
                var itsServer = deployment.ConsulServerOf(coordinator);
                var leader = await deployment.ConsulLeaderAsync(deployment.A);
                await KillForAsync(scenario, itsServer, $"case 2: rollout of {version} in dc-a; kill -9 {itsServer.Alias}, the Consul server the coordinator {coordinator.Alias} talks to, mid-round for {Down.TotalSeconds:F0} s"
                    + (itsServer == leader ? " (it is dc-a's leader now too)" : $" (dc-a's leader is {leader.Alias})"));
            });
        }

        await RolloutScenario.FinishAsync(scenario, last);
    }

    private static async Task KillForAsync(ChaosScenario scenario, Service server, string why)
    {
        await server.KillAsync();
        scenario.Fault(why);
        await ChaosScenario.Hold(Down);
        await server.RestartAsync();
        // Back in its cluster: a catalog read is answered only once it knows a leader (the CLI
        // and the nodes talking to it need one).
        await server.WaitHttpAsync("/v1/catalog/nodes", TimeSpan.FromSeconds(60));
    }
}
