using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class NodeKillTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Nodes_killed_mid_ingest_lose_no_acknowledged_write()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "kill-nodes", output);
        var deployment = scenario.Deployment;
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(3));

        // One node of each datacenter, while both ingest what the writers send.
        var victims = new[] { deployment.A.Nodes[0], deployment.B.Nodes[1] };
        await Task.WhenAll(victims.Select(v => v.KillAsync()));
        scenario.Fault($"kill -9 {string.Join(", ", victims.Select(v => v.Alias))} for 4 s");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(4));
        await Task.WhenAll(victims.Select(v => v.RestartAsync()));
        await Task.WhenAll(victims.Select(v => v.WaitHttpAsync("/health/ready", TimeSpan.FromSeconds(60))));
        scenario.Healed("restarted (same disk)");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        await scenario.ConvergeAsync();
    }
}
