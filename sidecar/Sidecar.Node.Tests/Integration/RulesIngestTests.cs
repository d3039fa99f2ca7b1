using Sidecar.Node.Tests.Integration.Rules;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// Ingest rules with real processes: a team's application produces JSON events to its own topics in
/// each datacenter; the datacenter's nodes map each event once (one consumer group), the
/// envelopes reach every node of both datacenters through the updates topics and the replicators,
/// and every counter ends exact — also when a node is killed in the middle of the stream.
/// </summary>
public sealed class RulesIngestTests
{
    private const int Users = 12;

    [Fact]
    public async Task Events_in_both_datacenters_give_every_node_of_both_the_same_exact_documents()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, RuleFiles.Clicks);
        var kafkas = await Task.WhenAll(
            KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:4", "dc-b.updates:4", .. RuleFiles.SourceTopics]),
            KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:4", "dc-a.updates:4", .. RuleFiles.SourceTopics]));
        await using var kafkaA = kafkas[0];
        await using var kafkaB = kafkas[1];
        var nodes = await Task.WhenAll(
            RulesNode.StartAsync(dir.Sub("a1"), kafkaA, "dc-a", "a1", rules),
            RulesNode.StartAsync(dir.Sub("a2"), kafkaA, "dc-a", "a2", rules),
            RulesNode.StartAsync(dir.Sub("b1"), kafkaB, "dc-b", "b1", rules));
        await using var a1 = nodes[0];
        await using var a2 = nodes[1];
        await using var b1 = nodes[2];
        var replicators = await Task.WhenAll(
            ReplicatorProcess.StartAsync("ab", "dc-a", kafkaA, "dc-b", kafkaB),
            ReplicatorProcess.StartAsync("ba", "dc-b", kafkaB, "dc-a", kafkaA));
        await using var ab = replicators[0];
        await using var ba = replicators[1];
        // dc-a's two nodes share the rules group: Kafka splits the 8 source partitions between them.
        await RulesNode.WaitSplitAsync([a1, a2], 8, TimeSpan.FromSeconds(30));

        var model = new ClickModel();
        using var inA = new ClickProducer(kafkaA.BootstrapServers, model);
        using var inB = new ClickProducer(kafkaB.BootstrapServers, model);
        var random = new Random(15);
        for (var i = 0; i < 150; i++)
        {
            inA.Random(random, "clicks.b2c", Users);
            inA.Random(random, "clicks.b2b", Users);
            inB.Random(random, "clicks.b2c", Users);
            inB.Random(random, "clicks.b2b", Users);
        }

        await Task.WhenAll(inA.FlushAsync(), inB.FlushAsync());
        Assert.Equal(Users, model.Users.Count);

        await UserDocuments.WaitExactAsync(model, [a1, a2, b1], TimeSpan.FromSeconds(45));
        await UserDocuments.WaitSameDigestAsync([a1, a2, b1], TimeSpan.FromSeconds(15));

        // Each datacenter mapped its own events, each at least once (a rebalance may map some again).
        var matchedA = 0L;
        foreach (var node in new[] { a1, a2 })
        {
            matchedA += (await RulesNode.StatusAsync(node)).Rules.Sum(r => r.Matched);
        }

        var matchedB = (await RulesNode.StatusAsync(b1)).Rules.Sum(r => r.Matched);
        Assert.True(matchedA >= inA.Produced, $"dc-a matched {matchedA} of {inA.Produced} events");
        Assert.Equal(inB.Produced, matchedB);
    }

    [Fact]
    public async Task A_node_killed_mid_stream_and_restarted_loses_no_event_and_applies_none_twice()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, RuleFiles.Clicks);
        await using var kafka = await KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:4", .. RuleFiles.SourceTopics]);
        // Small batches, so that the kill lands between produce and commit of some.
        string[] small = ["--Rules:MaxBatch", "50"];
        var nodes = await Task.WhenAll(
            RulesNode.StartAsync(dir.Sub("a1"), kafka, "dc-a", "a1", rules, small),
            RulesNode.StartAsync(dir.Sub("a2"), kafka, "dc-a", "a2", rules, small));
        NodeProcess? a1 = nodes[0];
        await using var a2 = nodes[1];
        NodeProcess? restarted = null;
        try
        {
            await RulesNode.WaitSplitAsync([a1, a2], 8, TimeSpan.FromSeconds(30));
            var model = new ClickModel();
            using var producer = new ClickProducer(kafka.BootstrapServers, model);
            await using var stream = new ClickStream(producer, seed: 2, Users, perRound: 25, TimeSpan.FromMilliseconds(100), rounds: 120);

            await a1.WaitAsync("a1 mapping", async () => (await RulesNode.StatusAsync(a1)).Rules.Sum(r => r.Matched) > 200, TimeSpan.FromSeconds(20));
            Assert.False(stream.IsCompleted, "the stream ended before the kill");
            await a1.Process.KillAsync();
            await a1.DisposeAsync();
            a1 = null;
            // The survivor takes the killed node's partitions over when its session times out, and
            // maps again what the killed node had produced but not committed.
            await RulesNode.WaitSplitAsync([a2], 8, TimeSpan.FromSeconds(30));
            restarted = await RulesNode.StartAsync(dir.Sub("a1"), kafka, "dc-a", "a1", rules, small);
            await stream.EndAsync(stop: false, TimeSpan.FromSeconds(60));

            await UserDocuments.WaitExactAsync(model, [a2, restarted], TimeSpan.FromSeconds(45));
            await UserDocuments.WaitSameDigestAsync([a2, restarted], TimeSpan.FromSeconds(15));
        }
        finally
        {
            if (a1 is not null)
            {
                await a1.DisposeAsync();
            }

            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }
}
