using System.Text;
using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Node.Tests.Integration.Rules;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// Events the rules cannot map go to the dead-letter topic with the reason, the source and the
/// rule; the good events around them are applied; an event no rule takes is only counted.
/// </summary>
public sealed class RulesDeadLetterTests
{
    [Fact]
    public async Task Bad_events_are_dead_lettered_with_reason_source_and_rule_and_the_stream_goes_on()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, RuleFiles.Clicks);
        await using var kafka = await KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:4", .. RuleFiles.SourceTopics]);
        await using var node = await RulesNode.StartAsync(dir.Sub("a1"), kafka, "dc-a", "a1", rules);
        var model = new ClickModel();
        using var producer = new ClickProducer(kafka.BootstrapServers, model);

        var notJson = "{\"type\": \"booking\", oops"u8.ToArray();
        producer.Search("clicks.b2c", "user-1", "hotel-1", "Goa");
        producer.Raw("clicks.b2c", "user-1", notJson);
        producer.Book("clicks.b2c", "user-1", "hotel-2", "Pune", 2);
        producer.Send("clicks.b2c", "user-1", new { type = "booking", ts = model.NextTime(), rooms = "two", user = new { id = "user-1" }, hotel = new { id = "hotel-3", city = "Oslo" } });
        producer.Search("clicks.b2b", "user-2", "hotel-4", "Lima");
        producer.Send("clicks.b2b", "user-2", new { type = "hotel_search", ts = model.NextTime(), hotel = new { id = "hotel-5", city = "Kyiv" } });
        producer.Send("clicks.b2b", "user-2", new { type = "page_view", ts = model.NextTime(), user = new { id = "user-2" } });
        producer.Book("clicks.b2b", "user-2", "hotel-6", "Goa", 1);
        producer.Search("clicks.b2c", "user-1", "hotel-7", "Oslo");
        await producer.FlushAsync();

        await UserDocuments.WaitExactAsync(model, [node], TimeSpan.FromSeconds(30));

        using var client = new TestKafka(kafka.BootstrapServers);
        var dead = client.ReadAll("updates.dlq", 4, TimeSpan.FromSeconds(5));
        var described = string.Join("\n", dead.Select(Describe));
        Assert.True(dead.Count == 3, $"dead letters:\n{described}\n{node.Process.Output}");

        var garbage = Assert.Single(dead, r => r.Message.Value.SequenceEqual(notJson));
        Assert.StartsWith("not JSON", Header(garbage, DeadLetterHeaders.Reason));
        Assert.StartsWith("clicks.b2c [[", Header(garbage, DeadLetterHeaders.Source));
        Assert.Null(Header(garbage, DeadLetterHeaders.Rule));

        var twoRooms = Assert.Single(dead, r => Encoding.UTF8.GetString(r.Message.Value).Contains("\"two\""));
        Assert.Equal("booking", Header(twoRooms, DeadLetterHeaders.Rule));
        Assert.Contains("not a whole number", Header(twoRooms, DeadLetterHeaders.Reason));
        Assert.StartsWith("clicks.b2c [[", Header(twoRooms, DeadLetterHeaders.Source));

        var noUser = Assert.Single(dead, r => Encoding.UTF8.GetString(r.Message.Value).Contains("hotel-5"));
        Assert.Equal("hotel-search", Header(noUser, DeadLetterHeaders.Rule));
        Assert.Contains("user: /user/id is not in the event", Header(noUser, DeadLetterHeaders.Reason));
        Assert.StartsWith("clicks.b2b [[", Header(noUser, DeadLetterHeaders.Source));

        var status = await RulesNode.StatusAsync(node);
        Assert.Equal(1, status.Skipped);
        Assert.Equal(1, status.Rules.Single(r => r.Name == "booking").DeadLettered);
        Assert.Equal(1, status.Rules.Single(r => r.Name == "hotel-search").DeadLettered);
        Assert.Equal(3, status.Rules.Single(r => r.Name == "hotel-search").Matched);
        Assert.Equal(2, status.Rules.Single(r => r.Name == "booking").Matched);
    }

    private static string? Header(ConsumeResult<byte[], byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static string Describe(ConsumeResult<byte[], byte[]> record) =>
        $"{Encoding.UTF8.GetString(record.Message.Value)} [{string.Join(", ", record.Message.Headers.Select(h => $"{h.Key}={Encoding.UTF8.GetString(h.GetValueBytes())}"))}]";
}
