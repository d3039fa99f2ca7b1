using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>Records that cannot be applied go to the dead-letter topic with the reason; the node keeps going.</summary>
public sealed class DeadLetterTests
{
    [Fact]
    public async Task Poison_records_are_dead_lettered_with_a_reason_and_good_ones_still_applied()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:2", "updates.dlq:2", "dc-b.updates:2");
        using var kafkaClient = new TestKafka(kafka.BootstrapServers);
        await using var node = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers);
        var envelopes = new Envelopes("dc-a");

        await kafkaClient.ProduceRawAsync("updates", "garbage"u8.ToArray(), [0xFF, 0x01, 0x02, 0x03], new Partition(0));
        var future = envelopes.Create("user-1", Envelopes.Incr("n"));
        future.SchemaVersion = 99;
        await kafkaClient.ProduceAsync("updates", future, new Partition(0));
        var wrongOrigin = new Envelopes("dc-z").Create("user-1", Envelopes.Incr("n"));
        await kafkaClient.ProduceAsync("updates", wrongOrigin, new Partition(0));
        // A mirrored record without origin headers cannot be applied exactly once.
        await kafkaClient.ProduceAsync("dc-b.updates", new Envelopes("dc-b").Create("user-1", Envelopes.Incr("n")), new Partition(1));
        await kafkaClient.ProduceAsync("updates", envelopes.Create("user-1", Envelopes.Incr("n", 7)), new Partition(0));

        await node.WaitConsumedAsync(5, TimeSpan.FromSeconds(30));
        var user = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/user-1");
        Assert.Equal(7, user.GetProperty("counters").GetProperty("n").GetInt64());

        var dead = kafkaClient.ReadAll("updates.dlq", 4, TimeSpan.FromSeconds(20));
        var reasons = dead.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(DeadLetterHeaders.Reason))).ToList();
        Assert.Equal(4, dead.Count);
        Assert.Contains(reasons, r => r.Contains("not an update envelope"));
        Assert.Contains(reasons, r => r.Contains("schema_version 99"));
        Assert.Contains(reasons, r => r.Contains("does not match"));
        Assert.Contains(reasons, r => r.Contains("without origin headers"));
        Assert.Contains(dead, r => r.Message.Value.SequenceEqual(new byte[] { 0xFF, 0x01, 0x02, 0x03 }));
        Assert.Contains("sidecar_updates_dead_letters_total", await node.Http.GetStringAsync("/metrics"));
        Assert.False(node.Process.HasExited);
    }
}
