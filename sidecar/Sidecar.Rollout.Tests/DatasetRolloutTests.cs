using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// Three nodes serving named datasets beside the default one, with a real Consul: rounds of two
/// named datasets, started at the same time with <c>sidecarctl --dataset</c>, both commit, each
/// under its own keys, while the default dataset's version and data stay as they were, and
/// updates streamed to each dataset during the rounds are all there after them. One node does not
/// serve <c>segments</c> (as in a rolling restart that adds it): that round commits without it.
/// </summary>
public sealed class DatasetRolloutTests
{
    [Fact]
    public async Task Concurrent_rounds_of_two_datasets_both_commit_and_leave_the_other_datasets_alone()
    {
        await using var cluster = await RolloutCluster.StartWithDatasetsAsync(await ConsulAgent.StartAsync("dc-a"), ["recent"]);
        await cluster.Kafka.CreateTopicAsync("segments", 4);
        await cluster.Kafka.CreateTopicAsync("segments.dlq", 1);
        string[] segmentsToo = ["--Datasets:segments:Topic", "segments"];
        await cluster.StartNodesAsync(("n1", segmentsToo), ("n2", segmentsToo), ("n3", []));
        var nodes = cluster.Nodes.OrderBy(n => n.Process.Name, StringComparer.Ordinal).ToList();
        var withSegments = nodes.Take(2).ToList();

        // Data in every dataset before the rounds.
        foreach (var dataset in new[] { "default", "recent", "segments" })
        {
            var written = await nodes[0].Http.PostAsync($"/v1/datasets/{dataset}/users/before/updates?wait=applied",
                JsonContent.Create(new { ops = new object[] { new { op = "set", field = "in", value = dataset } } }));
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        }

        foreach (var node in nodes)
        {
            await node.WaitAsync("the default dataset's user", async () => (await node.Http.GetAsync("/v1/users/before")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        }

        var defaultDigest = await Digest(nodes[0], "default");

        await cluster.BuildAndPublishAsync("r1", Documents.Users("rec-", 300, "r1"), viaCli: true, dataset: "recent");
        await cluster.BuildAndPublishAsync("s1", Documents.Users("seg-", 300, "s1"), viaCli: true, dataset: "segments");
        // A version is published for one dataset only: the other's round cannot find it.
        var (exit, output) = await cluster.RunCliAsync("rollout", "start", "s1", "--dataset", "recent", "--deadline", "00:01:00");
        Assert.NotEqual(0, exit);
        Assert.Contains("s1", output);

        // Both rounds at once, with writes to both datasets going on.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var acknowledged = new Dictionary<string, long> { ["recent"] = 0, ["segments"] = 0 };
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                foreach (var dataset in new[] { "recent", "segments" })
                {
                    var body = JsonContent.Create(new { ops = new object[] { new { op = "incr", counter = "n", by = 1 } } });
                    var response = await withSegments[i % withSegments.Count].Http.PostAsync($"/v1/datasets/{dataset}/users/live/updates?wait=applied", body);
                    acknowledged[dataset] += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
                }

                await Task.Delay(20);
            }

            return acknowledged;
        });
        await Task.WhenAll(
            cluster.CliAsync(0, "rollout", "start", "r1", "--dataset", "recent", "--deadline", "00:01:30", "--wait"),
            cluster.CliAsync(0, "rollout", "start", "s1", "--dataset", "segments", "--deadline", "00:01:30", "--wait"));
        await Task.Delay(300);
        await stop.CancelAsync();
        var writes = await writer;

        Assert.True((await cluster.StatusAsync("recent")).Round!.Decision!.Committed);
        Assert.True((await cluster.StatusAsync("segments")).Round!.Decision!.Committed);
        Assert.Null((await cluster.StatusAsync()).Round); // the default dataset never had a round
        Assert.Equal(["n1", "n2"], (await cluster.StatusAsync("segments")).Round!.Proposal.Participants.Select(p => p.Node));
        Assert.Equal(["n1", "n2", "n3"], (await cluster.StatusAsync("recent")).Round!.Proposal.Participants.Select(p => p.Node));
        foreach (var node in nodes)
        {
            var servesSegments = withSegments.Contains(node);
            await node.WaitAsync("the rounds live", async () =>
                await Version(node, "recent") == "r1" && (!servesSegments || await Version(node, "segments") == "s1"), TimeSpan.FromSeconds(30));
            Assert.Equal("initial", await Version(node, "default"));
            Assert.Equal(defaultDigest, await Digest(node, "default"));

            // Each dataset holds its own snapshot's users, and not the other's.
            Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/v1/datasets/recent/users/rec-7")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/v1/datasets/recent/users/seg-7")).StatusCode);
            Assert.Equal(servesSegments ? HttpStatusCode.OK : HttpStatusCode.NotFound, (await node.Http.GetAsync("/v1/datasets/segments/users/seg-7")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/v1/users/seg-7")).StatusCode);

            // Every acknowledged write of the rounds' time is there (the new versions caught up from each dataset's log).
            foreach (var dataset in servesSegments ? new[] { "recent", "segments" } : ["recent"])
            {
                await node.WaitAsync($"{dataset}'s {writes[dataset]} writes", async () => await Views(node, dataset) >= writes[dataset], TimeSpan.FromSeconds(30));
            }
        }

        // Consul's service metadata names each dataset a node serves, with its live version (a node
        // registers again within a third of its check's TTL of a swap).
        Dictionary<string, IReadOnlyDictionary<string, string>> meta = [];
        await nodes[0].WaitAsync("the versions in Consul's metadata", async () =>
        {
            meta = (await cluster.Client.Health.ServiceAsync("sidecar", passingOnly: true)).Value.ToDictionary(s => s.Service.Id, s => s.Service.Meta!);
            return meta.Count == 3 && meta.Values.All(m => m.GetValueOrDefault(ServiceMetaKeys.DatasetVersion("recent")) == "r1");
        }, TimeSpan.FromSeconds(15));
        Assert.Equal("s1", meta["n1"][ServiceMetaKeys.DatasetVersion("segments")]);
        Assert.False(meta["n3"].ContainsKey(ServiceMetaKeys.DatasetVersion("segments")));
        Assert.All(meta.Values, m => Assert.Equal("r1", m[ServiceMetaKeys.DatasetVersion("recent")]));
        Assert.All(meta.Values, m => Assert.Equal("initial", m[ServiceMetaKeys.Version]));

        Assert.All(writes.Values, w => Assert.True(w > 5, $"only {w} writes during the rounds"));
        await nodes[0].WaitAsync("equal digests per dataset", async () =>
        {
            foreach (var dataset in new[] { "recent", "segments" })
            {
                var digests = await Task.WhenAll((dataset == "segments" ? withSegments : nodes).Select(n => Digest(n, dataset)));
                if (digests.Distinct().Count() != 1)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30));
    }

    private static async Task<string> Version(NodeProcess node, string dataset) =>
        (await node.Http.GetFromJsonAsync($"/admin/status?dataset={dataset}", AdminJson.Default.NodeStatus))!.Version;

    private static async Task<string> Digest(NodeProcess node, string dataset) =>
        (await node.Http.GetFromJsonAsync($"/admin/digest?dataset={dataset}", AdminJson.Default.NodeDigest))!.Digest;

    private static async Task<long> Views(NodeProcess node, string dataset)
    {
        using var response = await node.Http.GetAsync($"/v1/datasets/{dataset}/users/live");
        return response.IsSuccessStatusCode
            && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("counters").TryGetProperty("n", out var n) ? n.GetInt64() : 0;
    }
}
