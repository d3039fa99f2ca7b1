using Sidecar.Chaos.Tests.Topology;
using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class WanDegradedTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Packet_loss_and_a_bandwidth_cap_on_the_wan_lose_nothing()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "wan-loss-bandwidth", output);
        var deployment = scenario.Deployment;
        var subnet = await deployment.WanSubnetPrefixAsync();
        var replicators = deployment.Datacenters.Select(dc => dc.Replicator).ToList();
        var devices = await Task.WhenAll(replicators.Select(r => WanFaults.WanInterfaceAsync(r, subnet)));
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(3));

        await Task.WhenAll(replicators.Select((r, i) => WanFaults.DegradeAsync(r, devices[i], percent: 20, rate: "256kbit")));
        scenario.Fault("20% packet loss each way and a 256 kbit/s cap on both replicators' wan link for 10 s");
        try
        {
            await ChaosScenario.Hold(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await Task.WhenAll(replicators.Select((r, i) => WanFaults.RestoreAsync(r, devices[i])));
        }

        scenario.Healed("restored");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));
        await scenario.ConvergeAsync();
    }
}
