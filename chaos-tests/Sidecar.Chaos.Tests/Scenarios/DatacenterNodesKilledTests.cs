using Sidecar.Chaos.Tests.Workload;
using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class DatacenterNodesKilledTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_node_of_a_datacenter_killed_proxy_fails_over_with_zero_5xx_for_reads()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "kill-datacenter", output);
        var deployment = scenario.Deployment;
        scenario.StartLoad();
        var probe = new ReadProbe(deployment.A.Proxy, scenario.Clients.Users);
        using var stopProbe = new CancellationTokenSource();
        var reads = probe.RunAsync(stopProbe.Token);
        await ChaosScenario.Hold(TimeSpan.FromSeconds(3));

        await Task.WhenAll(deployment.A.Nodes.Select(n => n.KillAsync()));
        scenario.Fault("kill -9 every dc-a node for 6 s (reads and writes through proxy-a)");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(6));
        await stopProbe.CancelAsync();
        await reads;
        output.WriteLine($"reads through proxy-a while dc-a had no node: {probe}");

        await Task.WhenAll(deployment.A.Nodes.Select(n => n.RestartAsync()));
        await Task.WhenAll(deployment.A.Nodes.Select(n => n.WaitHttpAsync("/health/ready", TimeSpan.FromSeconds(60))));
        scenario.Healed("restarted");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        await scenario.ConvergeAsync();
        Assert.True(probe.Ok + probe.NotFound > 50, $"too few reads to judge: {probe}");
        Assert.True(probe.Errors == 0, $"reads through proxy-a failed while dc-a had no node: {probe}");
    }
}
