using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class ReplicatorPauseTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task A_paused_replicator_catches_up_without_loss()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "pause-replicator", output);
        var deployment = scenario.Deployment;
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(3));

        // Longer than its consumer session (6 s): its group membership lapses while it is frozen.
        await deployment.A.Replicator.PauseAsync();
        scenario.Fault("pause replicator dc-a→dc-b for 8 s");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(8));
        await deployment.A.Replicator.UnpauseAsync();
        scenario.Healed("unpaused");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        await scenario.ConvergeAsync();
    }
}
