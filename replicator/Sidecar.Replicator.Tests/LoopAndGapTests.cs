using System.Net;
using System.Text;
using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Replicator.Tests;

public sealed class LoopAndGapTests
{
    /// <summary>dc-a → dc-b → dc-a: nothing comes back, not even a record forged to look mirrored.</summary>
    [Fact]
    public async Task No_record_travels_back_to_its_origin()
    {
        await using var dcs = await TwoDatacenters.StartAsync();
        var ab = await dcs.ReplicateAsync("ab", "dc-a", "dc-b");
        var ba = await dcs.ReplicateAsync("ba", "dc-b", "dc-a");
        for (var i = 0; i < 50; i++)
        {
            await Post(dcs.NodeA, $"user-{i}");
            await Post(dcs.NodeB, $"user-{i}");
        }

        // A record in dc-b's own topic that claims to come from dc-a must not be mirrored to dc-a.
        using var kafkaB = new TestKafka(dcs.KafkaB.BootstrapServers);
        var forged = new Headers();
        OriginHeaders.Add(forged, "dc-a", "updates", 0, 0);
        await kafkaB.ProduceAsync("updates", new Envelopes("dc-b").Create("forged", Envelopes.Incr("n")), headers: forged);

        await dcs.WaitConvergedAsync(TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(ba.Process, "the forged record refused",
            async () => await TwoDatacenters.MetricAsync(ba.Http, "sidecar_replicator_loops_refused_total") >= 1, TimeSpan.FromSeconds(30));

        using var kafkaA = new TestKafka(dcs.KafkaA.BootstrapServers);
        var mirroredIntoA = kafkaA.ReadAll("dc-b.updates", int.MaxValue, TimeSpan.FromSeconds(5));
        Assert.NotEmpty(mirroredIntoA);
        Assert.All(mirroredIntoA, r => Assert.Equal("dc-b", OriginHeaders.Read(r.Message.Headers)!.Value.Datacenter));
        Assert.DoesNotContain(mirroredIntoA, r => r.Message.Key is { } k && Encoding.UTF8.GetString(k) == "forged");
        Assert.Equal(0, await TwoDatacenters.MetricAsync(ab.Http, "sidecar_replicator_loops_refused_total"));
        Assert.Equal(1, await TwoDatacenters.MetricAsync(dcs.NodeB.Http, "sidecar_updates_dead_letters_total"));

        // No second hop exists: neither dc-a's own updates mirrored back, nor a mirror of a mirror.
        var topicsInA = kafkaA.Topics();
        Assert.Contains("dc-b.updates", topicsInA);
        Assert.DoesNotContain(topicsInA, t => t.StartsWith("dc-a.", StringComparison.Ordinal) || t.StartsWith("dc-b.dc-", StringComparison.Ordinal));
    }

    /// <summary>
    /// The target's checkpoint is past the source's end (the source topic was recreated): with
    /// GapPolicy=Stop the partition stops and health says why; with Skip it goes on.
    /// </summary>
    [Fact]
    public async Task A_gap_is_reported_and_stops_the_partition_unless_told_to_skip()
    {
        await using var dcs = await TwoDatacenters.StartAsync(partitions: 1, nodes: false);
        using var kafkaA = new TestKafka(dcs.KafkaA.BootstrapServers);
        using var kafkaB = new TestKafka(dcs.KafkaB.BootstrapServers);
        var envelopes = new Envelopes("dc-a");
        for (var i = 0; i < 10; i++)
        {
            await kafkaA.ProduceAsync("updates", envelopes.Create($"user-{i}", Envelopes.Incr("n")));
        }

        await dcs.KafkaB.CreateTopicAsync("dc-a.updates", 1);
        var earlier = new Headers();
        OriginHeaders.Add(earlier, "dc-a", "updates", 0, 500);
        await kafkaB.ProduceAsync("dc-a.updates", envelopes.Create("old", Envelopes.Incr("n")), new Partition(0), earlier);

        await using (var stopped = await ReplicatorProcess.StartAsync("gap", "dc-a", dcs.KafkaA, "dc-b", dcs.KafkaB))
        {
            await Wait.UntilAsync(stopped.Process, "the gap reported", async () =>
            {
                using var ready = await stopped.Http.GetAsync("/health/ready");
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable && (await ready.Content.ReadAsStringAsync()).Contains("gap");
            }, TimeSpan.FromSeconds(30));
            Assert.True(await TwoDatacenters.MetricAsync(stopped.Http, "sidecar_replicator_gaps_total") >= 1);
            Assert.Contains("GAP on updates", stopped.Process.Output);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Single(kafkaB.ReadAll("dc-a.updates", 11, TimeSpan.FromSeconds(3)));

            // A clean stop leaves the consumer group at once; a killed instance would hold its
            // partitions until the group's session times out.
            var exit = await stopped.Process.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, $"exit code {exit}:\n{stopped.Process.Output}");
        }

        await using var skipping = await ReplicatorProcess.StartAsync("skip", "dc-a", dcs.KafkaA, "dc-b", dcs.KafkaB, "--Replicator:GapPolicy", "Skip");
        await Wait.UntilAsync(skipping.Process, "ready after skipping", async () => (await skipping.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        var mirrored = kafkaB.ReadAll("dc-a.updates", 11, TimeSpan.FromSeconds(20));
        Assert.True(mirrored.Count >= 11, $"expected the 10 source records after the old one, got {mirrored.Count}:\n{skipping.Process.Output}");
    }

    [Fact]
    public async Task Invalid_configuration_is_refused_at_start()
    {
        await using var dcs = await TwoDatacenters.StartAsync(partitions: 1, nodes: false);
        await using var process = await InvalidStart.RunAsync("replicator-bad", Repo.Program("replicator/Sidecar.Replicator", "Sidecar.Replicator"),
            "--Replicator:Source", "dc-a", "--Replicator:Target", "dc-a", "--Replicator:Topics:0", "dc-b.updates");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("must be different datacenters", process.Output);
        Assert.Contains("looks like a remote topic", process.Output);
        Assert.Contains("BootstrapServers is required", process.Output);
    }

    private static async Task Post(NodeProcess node, string user)
    {
        using var response = await node.Http.PostAsync($"/v1/users/{user}/updates",
            new StringContent("""{"ops":[{"op":"incr","counter":"n","by":1}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
