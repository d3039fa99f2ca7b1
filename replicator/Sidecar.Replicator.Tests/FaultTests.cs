using Sidecar.Testing;

namespace Sidecar.Replicator.Tests;

/// <summary>
/// Faults mid-stream: a replicator killed with SIGKILL, the target's broker down for seconds, an
/// instance of a shared direction dying. Nothing is lost and nothing counts twice (counters are
/// exact on the target node), whatever duplicates crossed the wire.
/// </summary>
public sealed class FaultTests
{
    private const int Users = 200;
    private const int PerUser = 250;
    private const long Total = (long)Users * PerUser;

    [Fact]
    public async Task Kill_9_replicator_mid_stream_and_restart_loses_nothing()
    {
        await using var dcs = await TwoDatacenters.StartAsync(partitions: 8);
        Backlog(dcs);
        var first = await dcs.ReplicateAsync("ab-1", "dc-a", "dc-b", Slow);
        await Wait.UntilAsync(first.Process, "a third mirrored",
            async () => await TwoDatacenters.MetricAsync(first.Http, "sidecar_replicator_records_total") >= Total / 3, TimeSpan.FromSeconds(60));
        await first.Process.KillAsync();

        var second = await dcs.ReplicateAsync("ab-2", "dc-a", "dc-b");
        await AssertExactAsync(dcs);
        Assert.True(await TwoDatacenters.MetricAsync(second.Http, "sidecar_replicator_records_total") < Total,
            "the restarted replicator must resume from the checkpoint, not from the beginning");
    }

    [Fact]
    public async Task Target_broker_down_for_seconds_then_up_loses_nothing()
    {
        await using var dcs = await TwoDatacenters.StartAsync(partitions: 8);
        Backlog(dcs);
        var replicator = await dcs.ReplicateAsync("ab", "dc-a", "dc-b", Slow);
        await Wait.UntilAsync(replicator.Process, "a quarter mirrored",
            async () => await TwoDatacenters.MetricAsync(replicator.Http, "sidecar_replicator_records_total") >= Total / 4, TimeSpan.FromSeconds(60));
        await dcs.KafkaB.SetBrokerAsync(1, up: false);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await dcs.KafkaB.SetBrokerAsync(1, up: true);
        await AssertExactAsync(dcs);
    }

    [Fact]
    public async Task Instances_share_a_direction_and_take_over_a_dead_ones_partitions()
    {
        await using var dcs = await TwoDatacenters.StartAsync(partitions: 8);
        var r1 = await dcs.ReplicateAsync("ab-1", "dc-a", "dc-b", Slow);
        var r2 = await dcs.ReplicateAsync("ab-2", "dc-a", "dc-b", Slow);
        await Wait.UntilAsync(r2.Process, "both instances own partitions",
            async () => (await r1.PartitionsAsync()).Count > 0 && (await r2.PartitionsAsync()).Count > 0
                && (await r1.PartitionsAsync()).Count + (await r2.PartitionsAsync()).Count == 8, TimeSpan.FromSeconds(60));

        Backlog(dcs);
        await Wait.UntilAsync(r1.Process, "mirroring under way",
            async () => await TwoDatacenters.MetricAsync(r1.Http, "sidecar_replicator_records_total") >= Total / 8, TimeSpan.FromSeconds(60));
        await r1.Process.KillAsync();
        await Wait.UntilAsync(r2.Process, "the survivor owns all partitions", async () => (await r2.PartitionsAsync()).Count == 8, TimeSpan.FromSeconds(60));
        await AssertExactAsync(dcs);
    }

    // Small produce batches so that faults land in the middle of the stream.
    private static readonly string[] Slow = ["--Replicator:LingerMs", "0", "--Replicator:MaxInFlight", "2000"];

    private static void Backlog(TwoDatacenters dcs)
    {
        using var kafka = new TestKafka(dcs.KafkaA.BootstrapServers);
        var envelopes = new Envelopes("dc-a");
        kafka.ProduceMany("updates", Enumerable.Range(0, PerUser).SelectMany(_ => Enumerable.Range(0, Users))
            .Select(u => envelopes.Create($"user-{u}", Envelopes.Incr("n"))));
    }

    private static async Task AssertExactAsync(TwoDatacenters dcs)
    {
        await dcs.WaitConvergedAsync(TimeSpan.FromSeconds(120));
        for (var u = 0; u < Users; u++)
        {
            Assert.Equal(PerUser, await TwoDatacenters.CounterAsync(dcs.NodeB, $"user-{u}", "n"));
        }
    }
}
