using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sidecar.Common.Contracts;
using Sidecar.Common.Kafka;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// A node serving two named datasets beside the default one, against a Kafka of its own (the mock
/// cluster in another process) fed by an outside Kafka client: each dataset consumes, applies,
/// dead-letters and keeps on disk only its own topic's records, and a restart keeps them all.
/// </summary>
public sealed class NamedDatasetTests
{
    private static readonly string[] Datasets =
    [
        "--Datasets:recent:Topic", "recent",
        "--Datasets:segments:Topic", "segments", "--Datasets:segments:ListCap", "5",
    ];

    [Fact]
    public async Task Each_dataset_applies_only_its_own_topic_and_keeps_it_across_a_restart()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:2", "updates.dlq:2", "recent:2", "recent.dlq:2", "segments:2", "segments.dlq:2", "dc-b.recent:2");
        using var client = new TestKafka(kafka.BootstrapServers);
        await using var node = await NodeProcess.StartAsync(dir.Sub("n"), kafka.BootstrapServers, extra: Datasets);
        var dcA = new Envelopes("dc-a");

        // The outside client writes one user into each topic, and a mirrored record into dc-b.recent.
        await client.ProduceAsync("updates", dcA.Create("u", Envelopes.Incr("n", 1)));
        await client.ProduceAsync("recent", dcA.Create("u", Envelopes.Incr("n", 10), Envelopes.Push("hotels", "h-1")));
        await client.ProduceAsync("segments", dcA.Create("u", Envelopes.Set("segment", "\"gold\"")));
        var mirrored = new Envelopes("dc-b").Create("u", Envelopes.Incr("n", 100));
        var origin = new Headers();
        OriginHeaders.Add(origin, "dc-b", "recent", 0, 0);
        await client.ProduceAsync("dc-b.recent", mirrored, headers: origin);
        // And a record no envelope, into segments: dead-lettered to segments.dlq, not anywhere else.
        await client.ProduceRawAsync("segments", "x"u8.ToArray(), [0xFF, 0x00]);

        await node.WaitAsync("every dataset applied its records", async () =>
            await Counter(node, "/v1/users/u", "n") == 1
            && await Counter(node, "/v1/datasets/recent/users/u", "n") == 110
            && (await node.Http.GetAsync("/v1/datasets/segments/users/u")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        var segments = await node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/segments/users/u");
        Assert.Equal("gold", segments.GetProperty("fields").GetProperty("segment").GetString());
        Assert.Empty(segments.GetProperty("counters").EnumerateObject());
        var recent = await node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/recent/users/u");
        Assert.Empty(recent.GetProperty("fields").EnumerateObject());
        Assert.Equal(["h-1"], recent.GetProperty("lists").GetProperty("hotels").EnumerateArray().Select(e => e.GetString()));

        var dead = client.ReadAll("segments.dlq", 1, TimeSpan.FromSeconds(20));
        Assert.Equal(new byte[] { 0xFF, 0x00 }, Assert.Single(dead).Message.Value);
        Assert.Equal(0, client.RecordCount("updates.dlq") + client.RecordCount("recent.dlq"));
        Assert.Equal(1, await PrometheusText.SumAsync(node.Http, NodeMetricNames.UpdatesDeadLetters.Exported, "dataset=\"segments\""));
        Assert.Equal(0, await PrometheusText.SumAsync(node.Http, NodeMetricNames.UpdatesDeadLetters.Exported, "dataset=\"default\""));

        // The API writes to the dataset's topic, with the dataset's list cap.
        var written = await node.Http.PostAsync("/v1/datasets/recent/users/w/updates?wait=applied", Json("""{"ops":[{"op":"push","list":"l","item":"a","max":10}]}"""));
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal("recent", (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("topic").GetString());
        var capped = await node.Http.PostAsync("/v1/datasets/segments/users/w/updates?wait=applied", Json("""{"ops":[{"op":"push","list":"l","item":"a","max":10}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, capped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/v1/users/w")).StatusCode);

        // Status and digest per dataset; the digests of different data differ.
        var status = await node.Http.GetFromJsonAsync("/admin/status?dataset=recent", AdminJson.Default.NodeStatus);
        Assert.Equal("recent", status!.Dataset);
        Assert.Equal(["default", "recent", "segments"], status.Datasets);
        Assert.All(status.Positions.Keys, p => Assert.Matches("^(dc-b\\.)?recent:", p));
        var digests = new Dictionary<string, string>();
        foreach (var dataset in new[] { "default", "recent", "segments" })
        {
            digests[dataset] = (await node.Http.GetFromJsonAsync($"/admin/digest?dataset={dataset}", AdminJson.Default.NodeDigest))!.Digest;
        }

        Assert.Equal(3, digests.Values.Distinct().Count());
        Assert.Equal(digests["default"], await node.DigestAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/admin/digest?dataset=nope")).StatusCode);
        Assert.True(Directory.Exists(Path.Combine(dir.Sub("n"), "datasets", "recent", "versions", "initial")));
        Assert.True(Directory.Exists(Path.Combine(dir.Sub("n"), "datasets", "segments", "versions", "initial")));
        // Readiness covers every dataset, each by name.
        var ready = await node.Http.GetStringAsync("/health/ready");
        Assert.Contains("default: lag 0; recent: lag 0; segments: lag 0", ready);

        // A named dataset's parts log under their category with the dataset's name.
        Assert.Contains("VersionedStore[segments]", node.Process.Output);

        // SIGTERM: a clean exit; a restart serves every dataset as it was, from its own directory.
        Assert.Equal(0, await node.Process.TerminateAsync(TimeSpan.FromSeconds(20)));
        await using var again = await NodeProcess.StartAsync(dir.Sub("n"), kafka.BootstrapServers, extra: Datasets);
        await again.WaitAsync("ready again", async () => (await again.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        foreach (var (dataset, digest) in digests)
        {
            Assert.Equal(digest, (await again.Http.GetFromJsonAsync($"/admin/digest?dataset={dataset}", AdminJson.Default.NodeDigest))!.Digest);
        }

        Assert.Equal(110, await Counter(again, "/v1/datasets/recent/users/u", "n"));

        // Forgetting the user in every dataset: one request, a delete per dataset, each applied here.
        Assert.Equal(HttpStatusCode.BadRequest, (await again.Http.DeleteAsync("/v1/users/u?datasets=some")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await again.Http.DeleteAsync("/v1/datasets/recent/users/u?datasets=all")).StatusCode);
        using var forget = new HttpRequestMessage(HttpMethod.Delete, "/v1/users/u?datasets=all&wait=applied");
        forget.Headers.Add("Idempotency-Key", "forget-u-1");
        var forgotten = await again.Http.SendAsync(forget);
        Assert.Equal(HttpStatusCode.OK, forgotten.StatusCode);
        var receipts = (await forgotten.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("datasets");
        Assert.Equal(["default", "recent", "segments"], receipts.EnumerateObject().Select(p => p.Name));
        Assert.All(receipts.EnumerateObject(), p => Assert.True(p.Value.GetProperty("applied").GetBoolean()));
        Assert.Equal("segments", receipts.GetProperty("segments").GetProperty("topic").GetString());
        foreach (var path in new[] { "/v1/users/u", "/v1/datasets/recent/users/u", "/v1/datasets/segments/users/u" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await again.Http.GetAsync(path)).StatusCode);
        }

        // Its retry with the same key is answered from what was applied: nothing produced again.
        var produced = await PrometheusText.SumAsync(again.Http, NodeMetricNames.UpdatesProduced.Exported);
        using var retry = new HttpRequestMessage(HttpMethod.Delete, "/v1/users/u?datasets=all&wait=applied");
        retry.Headers.Add("Idempotency-Key", "forget-u-1");
        var replayed = await again.Http.SendAsync(retry);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(produced, await PrometheusText.SumAsync(again.Http, NodeMetricNames.UpdatesProduced.Exported));
    }

    [Fact]
    public async Task A_removed_dataset_is_not_served_and_its_data_is_kept_for_the_grace_then_deleted()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:2", "updates.dlq:2", "recent:2", "recent.dlq:2");
        string[] recent = ["--Datasets:recent:Topic", "recent"];
        var recentDir = Path.Combine(dir.Sub("n"), "datasets", "recent");
        // Each start runs its checks on a node that is stopped (SIGTERM, exit 0) and disposed however they end.
        async Task RunAsync(string[] args, Func<NodeProcess, Task> check)
        {
            await using var node = await NodeProcess.StartAsync(dir.Sub("n"), kafka.BootstrapServers, extra: args);
            await check(node);
            Assert.Equal(0, await node.Process.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        await RunAsync(recent, async node =>
            Assert.Equal(HttpStatusCode.OK, (await node.Http.PostAsync("/v1/datasets/recent/users/r/updates?wait=applied", Json("""{"ops":[{"op":"incr","counter":"n","by":4}]}"""))).StatusCode));

        // Removed: not served, its data kept (a week by default) and marked.
        await RunAsync([], async node =>
        {
            Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/v1/datasets/recent/users/r")).StatusCode);
            Assert.True(File.Exists(Path.Combine(recentDir, "SIDECAR_REMOVED_AT")));
            Assert.Contains("Dataset recent is no longer configured", node.Process.Output);
        });

        // Put back within the grace: served as it was.
        await RunAsync(recent, async node =>
        {
            Assert.Equal(4, await Counter(node, "/v1/datasets/recent/users/r", "n"));
            Assert.False(File.Exists(Path.Combine(recentDir, "SIDECAR_REMOVED_AT")));
        });

        // Removed for longer than the grace (zero here): marked at the first start, deleted at the next.
        string[] noGrace = ["--Node:RemovedDatasetGrace", "00:00:00"];
        await RunAsync(noGrace, _ =>
        {
            Assert.True(Directory.Exists(recentDir));
            return Task.CompletedTask;
        });
        await RunAsync(noGrace, node =>
        {
            Assert.False(Directory.Exists(recentDir));
            Assert.Contains("Deleted the data of dataset recent", node.Process.Output);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Bad_dataset_sections_stop_the_node_with_every_problem_listed()
    {
        using var dir = new TempDir();
        await using var process = await InvalidStart.RunAsync("node-bad-datasets", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            "--Node:DataRoot", dir.Sub("n"), "--Datasets:Recent:Topic", "recent", "--Datasets:copy:Topic", "updates", "--Datasets:cap:Topic", "cap", "--Datasets:cap:ListCap", "0",
            "--Datasets:slow:Topic", "slow", "--Datasets:slow:Rollout:VoteTimeout", "00:00:01");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Datasets: 'Recent' must be a dataset name", process.Output);
        Assert.Contains("Datasets:copy:Topic 'updates' is already Kafka:UpdatesTopic", process.Output);
        Assert.Contains("Datasets:cap:ListCap", process.Output);
        Assert.Contains("Datasets:slow:Rollout:", process.Output);
        Assert.Contains("VoteTimeout", process.Output);
        Assert.False(Directory.Exists(dir.Sub("n")), "a node with a bad configuration must not touch its data root");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<long> Counter(NodeProcess node, string path, string counter)
    {
        using var response = await node.Http.GetAsync(path);
        if (!response.IsSuccessStatusCode)
        {
            return -1;
        }

        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return user.GetProperty("counters").TryGetProperty(counter, out var value) ? value.GetInt64() : 0;
    }
}
