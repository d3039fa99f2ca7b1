using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sidecar.Node.Tests.Integration.Rules;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// A rule may write a named dataset (<c>dataset:</c>): one event's ops for that dataset go to its
/// topic and land in it alone, beside another rule's ops for the default dataset; a rule naming a
/// dataset the node does not serve stops the node at start. A real node, the Kafka mock, and a
/// plain Kafka producer in the test as the team's application.
/// </summary>
public sealed class RulesDatasetTests
{
    private const string Rules = """
        version: 1
        rules:
          - name: searches
            topics: [clicks.b2c]
            user: /user/id
            ops:
              - incr: { counter: searches }
          - name: viewed
            topics: [clicks.b2c]
            dataset: recent
            user: /user/id
            ops:
              - push: { list: hotels, item: /hotel/id, max: 3 }
              - incr: { counter: views }
        """;

    [Fact]
    public async Task One_events_ops_land_in_the_dataset_each_rule_names()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, Rules);
        await using var kafka = await KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:4", "recent:4", "recent.dlq:4", "clicks.b2c:4"]);
        await using var node = await RulesNode.StartAsync(dir.Sub("n"), kafka, "dc-a", "a1", rules, "--Datasets:recent:Topic", "recent");

        using (var app = new TestKafka(kafka.BootstrapServers))
        {
            for (var i = 0; i < 5; i++)
            {
                await app.ProduceRawAsync("clicks.b2c", Encoding.UTF8.GetBytes("u1"), Encoding.UTF8.GetBytes($$$"""{"user":{"id":"u1"},"hotel":{"id":"h{{{i}}}"}}"""));
            }
        }

        await node.WaitAsync("five events in both datasets", async () =>
            await Counter(node, "/v1/users/u1", "searches") == 5 && await Counter(node, "/v1/datasets/recent/users/u1", "views") == 5, TimeSpan.FromSeconds(30));
        var recent = await node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/recent/users/u1");
        Assert.Equal(3, recent.GetProperty("lists").GetProperty("hotels").GetArrayLength());
        Assert.False(recent.GetProperty("counters").TryGetProperty("searches", out _));
        var plain = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/u1");
        Assert.False(plain.GetProperty("lists").TryGetProperty("hotels", out _));
        Assert.False(plain.GetProperty("counters").TryGetProperty("views", out _));
        // Each dataset's envelopes went to its own topic: 5 records each.
        using var read = new TestKafka(kafka.BootstrapServers);
        Assert.Equal(5, read.RecordCount("recent"));
        Assert.Equal(5, read.RecordCount("updates"));
    }

    [Fact]
    public async Task A_rule_for_a_dataset_the_node_does_not_serve_stops_it_at_start()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, Rules);
        await using var process = await InvalidStart.RunAsync("node-rules-unknown-dataset", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            "--Node:DataRoot", dir.Sub("n"), "--Rules:File", rules);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("rules[1].dataset: 'recent' is not a dataset this node serves", process.Output);
    }

    private static async Task<long> Counter(NodeProcess node, string path, string counter)
    {
        using var response = await node.Http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return 0;
        }

        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("counters").TryGetProperty(counter, out var value) ? value.GetInt64() : 0;
    }
}
