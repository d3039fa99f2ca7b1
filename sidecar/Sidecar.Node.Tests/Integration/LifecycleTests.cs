using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Invalid_configuration_stops_the_node_with_a_clear_message()
    {
        using var dir = new TempDir();
        await using var process = await InvalidStart.RunAsync("node-bad", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            "--Node:DataRoot", dir.Sub("n"), "--Node:Datacenter", "Bad_DC", "--Kafka:MaxBatch", "0");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Node:Datacenter must be", process.Output);
        Assert.Contains("MaxBatch", process.Output);
        Assert.False(Directory.Exists(dir.Sub("n")), "a node with a bad configuration must not touch its data root");
    }

    [Fact]
    public async Task Sigterm_shuts_down_gracefully_and_keeps_applied_data()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:2", "updates.dlq:2");
        using var client = new TestKafka(kafka.BootstrapServers);
        var envelopes = new Envelopes("dc-a");
        client.ProduceMany("updates", Enumerable.Range(0, 100).Select(i => envelopes.Create("u", Envelopes.Incr("n"))));

        var node = await NodeProcess.StartAsync(dir.Sub("n"), kafka.BootstrapServers);
        await node.WaitConsumedAsync(100, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await node.Process.TerminateAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Application is shutting down", node.Process.Output);
        await node.DisposeAsync();

        await using var again = await NodeProcess.StartAsync(dir.Sub("n"), kafka.BootstrapServers);
        await again.WaitConsumedAsync(100, TimeSpan.FromSeconds(30));
        var user = await again.Http.GetStringAsync("/v1/users/u");
        Assert.Contains("\"n\":100", user);
    }
}
