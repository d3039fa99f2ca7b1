using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;

namespace Sidecar.Replicator.Tests;

/// <summary>
/// A named dataset replicates like the default one: the replicators mirror both datasets'
/// topics (<c>Replicator:Topics</c>) each way, and writes to the dataset in both datacenters end
/// in the same state on both nodes, with exact counters, and in that dataset only.
/// </summary>
public sealed class DatasetMirrorTests
{
    [Fact]
    public async Task Writes_to_a_named_dataset_in_both_datacenters_converge_in_that_dataset_only()
    {
        await using var dcs = await TwoDatacenters.StartAsync(datasets: ["recent"]);
        string[] topics = ["--Replicator:Topics:0", "updates", "--Replicator:Topics:1", "recent"];
        var ab = await dcs.ReplicateAsync("ab", "dc-a", "dc-b", topics);
        await dcs.ReplicateAsync("ba", "dc-b", "dc-a", topics);

        var expected = 0L;
        foreach (var (node, i) in Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? dcs.NodeA : dcs.NodeB, i)))
        {
            var body = $$"""{"ops":[{"op":"incr","counter":"views","by":{{i + 1}}},{"op":"push","list":"hotels","item":"h-{{i % 7}}","max":5}]}""";
            using var response = await node.Http.PostAsync($"/v1/datasets/recent/users/user-{i % 5}/updates", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            expected += i + 1;
        }

        using (var plain = await dcs.NodeA.Http.PostAsync("/v1/users/user-0/updates", new StringContent("""{"ops":[{"op":"incr","counter":"views","by":1000}]}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);
        }

        string? digest = null;
        await dcs.NodeA.WaitAsync("the recent dataset converged", async () =>
        {
            var a = await Digest(dcs.NodeA, "recent");
            var b = await Digest(dcs.NodeB, "recent");
            var converged = a == b && a == digest;
            digest = a == b ? a : null;
            return converged && await Views(dcs.NodeA, "recent") == expected;
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(expected, await Views(dcs.NodeB, "recent"));

        // The default dataset has its own write, on both sides, and none of the dataset's.
        await dcs.WaitConvergedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1000, await TwoDatacenters.CounterAsync(dcs.NodeB, "user-0", "views"));
        Assert.Equal(HttpStatusCode.NotFound, (await dcs.NodeB.Http.GetAsync("/v1/users/user-1")).StatusCode);

        // The node in dc-b read the dataset's mirror topic, and the replicator mirrored both topics.
        var status = await dcs.NodeB.Http.GetFromJsonAsync("/admin/status?dataset=recent", AdminJson.Default.NodeStatus);
        Assert.Contains(status!.Positions, p => p.Key.StartsWith("dc-a.recent:", StringComparison.Ordinal) && p.Value > 0);
        var mirrored = await ab.Http.GetFromJsonAsync("/admin/status", AdminJson.Default.ReplicatorStatus);
        Assert.Equal(["updates", "recent"], mirrored!.Topics);
        Assert.Equal(0, await PrometheusText.SumAsync(dcs.NodeB.Http, NodeMetricNames.UpdatesDeadLetters.Exported));
    }

    private static async Task<string> Digest(Sidecar.Testing.NodeProcess node, string dataset) =>
        (await node.Http.GetFromJsonAsync($"/admin/digest?dataset={dataset}", AdminJson.Default.NodeDigest))!.Digest;

    private static async Task<long> Views(Sidecar.Testing.NodeProcess node, string dataset)
    {
        var sum = 0L;
        for (var u = 0; u < 5; u++)
        {
            using var response = await node.Http.GetAsync($"/v1/datasets/{dataset}/users/user-{u}");
            if (response.IsSuccessStatusCode)
            {
                sum += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("counters").GetProperty("views").GetInt64();
            }
        }

        return sum;
    }
}
