using Sidecar.Common.Metrics;
using Sidecar.Node.Tests.Integration.Rules;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// The rules file is changed under a running stream: a bad version is refused whole (every problem
/// said, the rules in force stay), a good one comes into force, and no event is lost meanwhile.
/// </summary>
public sealed class RulesReloadTests
{
    private const string Refused = "sidecar_rules_reloads_total";

    [Fact]
    public async Task A_bad_file_is_refused_with_every_problem_and_a_good_one_comes_into_force_without_losing_events()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, RuleFiles.Clicks);
        await using var kafka = await KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:4", .. RuleFiles.SourceTopics]);
        await using var node = await RulesNode.StartAsync(dir.Sub("a1"), kafka, "dc-a", "a1", rules);
        var first = await RulesNode.StatusAsync(node);
        Assert.NotNull(first.Hash);
        Assert.Null(first.LastError);

        var model = new ClickModel();
        using var producer = new ClickProducer(kafka.BootstrapServers, model);
        await using var stream = new ClickStream(producer, seed: 3, users: 8, perRound: 10, TimeSpan.FromMilliseconds(50));

        await node.WaitAsync("events mapped", async () => (await RulesNode.RuleAsync(node, "hotel-search")).Matched > 0, TimeSpan.FromSeconds(20));
        var refusedBefore = await PrometheusText.SumAsync(node.Http, Refused, "result=\"refused\"");
        RuleFiles.Write(rules, RuleFiles.Bad);
        await node.WaitAsync("the bad file refused", async () => (await RulesNode.StatusAsync(node)).LastError is not null, TimeSpan.FromSeconds(10));
        var refused = await RulesNode.StatusAsync(node);
        Assert.Contains("unknown function 'nosuchfunction'", refused.LastError);
        Assert.Contains("max: must be a whole number from 1", refused.LastError);
        Assert.Contains("is the name of an earlier rule", refused.LastError);
        Assert.Contains("is one of the node's own topics", refused.LastError);
        Assert.Equal(first.Hash, refused.Hash);
        Assert.Equal(first.LoadedAt, refused.LoadedAt);
        Assert.True(await PrometheusText.SumAsync(node.Http, Refused, "result=\"refused\"") > refusedBefore, "refused reloads did not rise");
        Assert.Contains("refused", node.Process.Output);

        // The old rules go on mapping while the bad file lies there.
        var matchedAtRefusal = (await RulesNode.RuleAsync(node, "hotel-search")).Matched;
        await node.WaitAsync("events mapped by the old rules", async () => (await RulesNode.RuleAsync(node, "hotel-search")).Matched > matchedAtRefusal, TimeSpan.FromSeconds(10));
        Assert.Equal(first.Hash, (await RulesNode.StatusAsync(node)).Hash);

        RuleFiles.Write(rules, RuleFiles.ClicksChanged);
        await node.WaitAsync("the changed file in force", async () => (await RulesNode.StatusAsync(node)) is { LastError: null } s && s.Hash != first.Hash, TimeSpan.FromSeconds(10));
        var changed = await RulesNode.StatusAsync(node);
        Assert.Contains(changed.Rules, r => r.Name == "big-booking");

        // Events produced after the change are mapped by the new rules.
        producer.Book("clicks.b2c", "user-final", "hotel-9", "Goa", 3);
        await node.WaitAsync("the new rule applied", async () =>
        {
            using var response = await node.Http.GetAsync("/v1/users/user-final");
            var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return response.IsSuccessStatusCode && UserDocuments.Counter(doc, "bigBookings") == 1 && UserDocuments.Field(doc, "bookedCity") == "Goa";
        }, TimeSpan.FromSeconds(20));

        await Task.Delay(500); // a little more stream under the new rules
        await stream.EndAsync(stop: true, TimeSpan.FromSeconds(30));
        await producer.FlushAsync();
        Assert.True(producer.Produced > 100, $"only {producer.Produced} events streamed");
        // Zero events lost across both reloads: the search rule never changed, its counters are exact.
        await UserDocuments.WaitExactAsync(model, [node], TimeSpan.FromSeconds(30));
    }
}
