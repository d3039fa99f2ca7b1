using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class PartitionTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Datacenters_partitioned_under_writes_on_both_sides_converge_after_heal()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "partition", output);
        var deployment = scenario.Deployment;
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(3));

        await deployment.PartitionAsync(deployment.B);
        scenario.Fault("dc-b cut off the wan for 8 s (writes on both sides)");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(8));
        await deployment.HealAsync(deployment.B);
        scenario.Healed("healed");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        await scenario.ConvergeAsync();
    }
}
