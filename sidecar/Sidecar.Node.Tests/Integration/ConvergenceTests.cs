using Confluent.Kafka;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// Two nodes in two datacenters, each with its own Kafka, fed the same updates in different
/// orders and with duplicates (as an at-least-once mirror delivers them), end with identical
/// state digests.
/// </summary>
public sealed class ConvergenceTests
{
    [Fact]
    public async Task Same_updates_in_different_orders_give_identical_digests()
    {
        using var dir = new TempDir();
        await using var kafkaA = await KafkaMockProcess.StartAsync("updates:4", "updates.dlq:4", "dc-b.updates:4");
        await using var kafkaB = await KafkaMockProcess.StartAsync("updates:4", "updates.dlq:4", "dc-a.updates:4");
        using var clientA = new TestKafka(kafkaA.BootstrapServers);
        using var clientB = new TestKafka(kafkaB.BootstrapServers);
        await using var nodeA = await NodeProcess.StartAsync(dir.Sub("a"), kafkaA.BootstrapServers, "dc-a", "a1");
        await using var nodeB = await NodeProcess.StartAsync(dir.Sub("b"), kafkaB.BootstrapServers, "dc-b", "b1");

        var fromA = Workload(new Envelopes("dc-a"), seed: 1);
        var fromB = Workload(new Envelopes("dc-b"), seed: 2);

        // Node A applies its own updates first, node B applies A's updates first.
        var originA = await ProduceLocal(clientA, fromA);
        await nodeA.WaitConsumedAsync(originA.Count, TimeSpan.FromSeconds(60));
        await Mirror(clientB, "dc-a.updates", originA, duplicateEvery: 7);
        await nodeB.WaitConsumedAsync(originA.Count + originA.Count / 7, TimeSpan.FromSeconds(60));

        var originB = await ProduceLocal(clientB, fromB);
        await Mirror(clientA, "dc-b.updates", originB, duplicateEvery: 5);
        var expectedA = originA.Count + originB.Count + originB.Count / 5;
        var expectedB = originA.Count + originA.Count / 7 + originB.Count;
        await nodeA.WaitConsumedAsync(expectedA, TimeSpan.FromSeconds(60));
        await nodeB.WaitConsumedAsync(expectedB, TimeSpan.FromSeconds(60));

        var digestA = await nodeA.DigestAsync();
        var digestB = await nodeB.DigestAsync();
        Assert.Equal(digestA, digestB);

        // The digest must be able to differ: one more update on one side only changes it.
        await ProduceLocal(clientA, [new Envelopes("dc-a").Create("user-0", Envelopes.Incr("extra"))]);
        await nodeA.WaitConsumedAsync(expectedA + 1, TimeSpan.FromSeconds(30));
        Assert.NotEqual(digestB, await nodeA.DigestAsync());
    }

    private static List<UpdateEnvelope> Workload(Envelopes envelopes, int seed)
    {
        var random = new Random(seed);
        var list = new List<UpdateEnvelope>();
        for (var i = 0; i < 600; i++)
        {
            var user = $"user-{random.Next(40)}";
            list.Add(random.Next(10) switch
            {
                0 => envelopes.Create(user, new Op { DeleteUser = new DeleteUser() }),
                1 or 2 => envelopes.Create(user, Envelopes.Push("recent", $"hotel-{random.Next(15)}", 5)),
                3 or 4 or 5 => envelopes.Create(user, Envelopes.Incr("views", random.Next(1, 4)), Envelopes.Incr("clicks")),
                _ => envelopes.Create(user, Envelopes.Set($"f{random.Next(4)}", $"{random.Next(100)}")),
            });
        }

        return list;
    }

    private static async Task<List<(UpdateEnvelope Envelope, TopicPartitionOffset At)>> ProduceLocal(TestKafka client, List<UpdateEnvelope> envelopes)
    {
        var result = new List<(UpdateEnvelope, TopicPartitionOffset)>();
        foreach (var envelope in envelopes)
        {
            var delivery = await client.ProduceAsync("updates", envelope);
            result.Add((envelope, delivery.TopicPartitionOffset));
        }

        return result;
    }

    /// <summary>What the replicator does: same partition, origin headers, at least once.</summary>
    private static async Task Mirror(TestKafka client, string topic, List<(UpdateEnvelope Envelope, TopicPartitionOffset At)> records, int duplicateEvery)
    {
        for (var i = 0; i < records.Count; i++)
        {
            var (envelope, at) = records[i];
            var copies = i % duplicateEvery == duplicateEvery - 1 ? 2 : 1;
            for (var c = 0; c < copies; c++)
            {
                var headers = new Headers();
                OriginHeaders.Add(headers, envelope.OriginDc, "updates", at.Partition.Value, at.Offset.Value);
                await client.ProduceAsync(topic, envelope, at.Partition, headers);
            }
        }
    }
}
