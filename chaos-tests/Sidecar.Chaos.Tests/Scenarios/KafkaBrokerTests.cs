using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

[Collection(SharedDeploymentCollection.Name)]
public sealed class KafkaBrokerTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Kafka_broker_down_and_up_under_writes_loses_no_acknowledged_write()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "kafka-broker", output);
        var kafka = scenario.Deployment.A.Kafka;
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(3));

        // The mock cluster's own fault: the broker closes its connections and refuses new ones
        // (the control API of tools/Sidecar.KafkaMock).
        (await kafka.Http.PostAsync("/brokers/1/down", null)).EnsureSuccessStatusCode();
        scenario.Fault("dc-a's Kafka broker down for 6 s (nodes, replicators both ways)");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(6));
        (await kafka.Http.PostAsync("/brokers/1/up", null)).EnsureSuccessStatusCode();
        scenario.Healed("up");
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));

        await scenario.ConvergeAsync();
    }
}
