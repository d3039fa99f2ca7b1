using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// <c>sidecarctl snapshot checkpoint</c> from a running node and the HTTP registry
/// (<c>sidecarctl registry serve</c>), with real node processes, a real Consul agent, the Kafka
/// mock and real HTTP on loopback.
/// </summary>
public sealed class CheckpointTests
{
    [Fact]
    public async Task A_checkpoint_of_a_running_node_rolls_out_over_an_http_registry_with_every_update_applied_exactly_once()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(cluster.Dir.Sub("http-registry"));
        await cluster.StartNodesAsync("n1", "n2");
        var n1 = cluster["n1"];

        // Streamed before the checkpoint.
        for (var i = 0; i < 40; i++)
        {
            await UpdateAsync(n1, $"c-{i}", new { op = "set", field = "f", value = i }, new { op = "incr", counter = "views", by = 1 });
        }

        var dir = cluster.Dir.Sub("ckpt1");
        var output = await cluster.CliAsync(0, "snapshot", "checkpoint", "--node", n1.Url.ToString(), "--out", dir, "--version", "ckpt1");
        Assert.Contains("checkpoint ckpt1: 40 users", output);
        var manifest = SnapshotVerifier.Verify(dir, "ckpt1");
        Assert.Equal(40, manifest.KeyCount);
        // The offsets already included: 40 records of dc-a's own topic over its 4 partitions (offsets start at 0).
        Assert.Equal(40 - 4, manifest.Offsets.Where(o => o.Key.StartsWith("dc-a:", StringComparison.Ordinal)).Sum(o => o.Value));
        Assert.False(Directory.Exists(Path.Combine(n1.DataRoot, "checkpoints", "ckpt1")), "the node kept the checkpoint after it was copied");

        // Streamed after the checkpoint: not in it, must be caught up from Kafka exactly once.
        for (var i = 0; i < 20; i++)
        {
            await UpdateAsync(n1, $"c-{i}", new { op = "incr", counter = "views", by = 1 });
            await UpdateAsync(n1, $"d-{i}", new { op = "set", field = "g", value = i });
        }

        var expected = await n1.DigestAsync();

        await cluster.CliAsync(0, "snapshot", "publish", dir, "--registry", registry.Url, "--consul", cluster.Consul.Address.ToString());
        var entry = RolloutJson.Parse<VersionEntry>((await cluster.Client.Kv.GetAsync(cluster.Keys.Version("ckpt1"))).Value!.Value, "ckpt1");
        Assert.StartsWith(registry.Url, entry.Location);
        Assert.True(File.Exists(Path.Combine(registry.Dir, "ckpt1", SnapshotManifest.FileName)));

        await cluster.CliAsync(0, "rollout", "start", "ckpt1", "--deadline", "00:01:00", "--wait");
        await cluster.WaitAllOnVersionAsync("ckpt1", TimeSpan.FromSeconds(30));
        // A fresh store loads it from the HTTP registry before it reports ready.
        await cluster.RestartAsync("n3");

        foreach (var node in cluster.Nodes)
        {
            await node.WaitAsync("the state of n1 before the rollout", async () => await node.DigestAsync() == expected, TimeSpan.FromSeconds(30));
            var user = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/c-3");
            Assert.Equal("ckpt1", user.GetProperty("version").GetString());
            Assert.Equal(2, user.GetProperty("counters").GetProperty("views").GetInt64());
            Assert.Equal(1, (await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/c-30")).GetProperty("counters").GetProperty("views").GetInt64());
        }
    }

    [Fact]
    public async Task The_http_registry_verifies_uploads_and_nodes_verify_what_they_download()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(cluster.Dir.Sub("http-registry"));
        var good = cluster.Dir.Sub("good");
        await File.WriteAllLinesAsync(good + ".jsonl", Documents.Users("u", 50, "v1"));
        await cluster.CliAsync(0, "snapshot", "build", "--input", good + ".jsonl", "--out", good, "--version", "v1");

        // An upload whose file does not match its manifest is refused whole: nothing becomes visible.
        var http = registry.Http;
        Assert.Equal(HttpStatusCode.Accepted, (await http.PutAsync("v1/data-000001.sst", new ByteArrayContent([1, 2, 3]))).StatusCode);
        var refused = await http.PutAsync("v1/manifest.json", new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(good, SnapshotManifest.FileName))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v1/manifest.json")).StatusCode);

        // Published through sidecarctl; again is a no-op; another snapshot under the same id is refused.
        await cluster.CliAsync(0, "snapshot", "publish", good, "--registry", registry.Url, "--consul", cluster.Consul.Address.ToString());
        await cluster.CliAsync(0, "snapshot", "publish", good, "--registry", registry.Url, "--consul", cluster.Consul.Address.ToString());
        var other = cluster.Dir.Sub("other");
        await File.WriteAllLinesAsync(other + ".jsonl", Documents.Users("x", 5, "v1"));
        await cluster.CliAsync(0, "snapshot", "build", "--input", other + ".jsonl", "--out", other, "--version", "v1");
        var conflict = await cluster.CliAsync(1, "snapshot", "publish", other, "--registry", registry.Url, "--consul", cluster.Consul.Address.ToString());
        Assert.Contains("409", conflict);

        // Bytes changed on the server after publishing: every node's checksum check of its download votes NO.
        await cluster.StartNodesAsync("n1", "n2");
        var sst = Directory.GetFiles(Path.Combine(registry.Dir, "v1"), "*.sst").First();
        var bytes = await File.ReadAllBytesAsync(sst);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(sst, bytes);
        await cluster.CliAsync(1, "rollout", "start", "v1", "--deadline", "00:01:00", "--wait");
        await cluster.AssertVotedDownAsync("checksum mismatch");
        await cluster.WaitAllOnVersionAsync(Sidecar.Store.VersionNames.Initial, TimeSpan.FromSeconds(10));

        // The whole version replaced on the server by another self-consistent snapshot: its manifest
        // is not the one whose SHA-256 the index holds, so the nodes vote NO again.
        foreach (var file in Directory.GetFiles(Path.Combine(registry.Dir, "v1")))
        {
            File.Delete(file);
        }

        SnapshotRegistry.CopyFiles(other, Path.Combine(registry.Dir, "v1"), SnapshotVerifier.ReadManifest(other));
        await cluster.CliAsync(1, "rollout", "start", "v1", "--deadline", "00:01:00", "--wait");
        await cluster.AssertVotedDownAsync("is not the published one");
    }

    private static async Task UpdateAsync(Sidecar.Testing.NodeProcess node, string user, params object[] ops)
    {
        var response = await node.Http.PostAsync($"/v1/users/{user}/updates?wait=applied", JsonContent.Create(new { ops }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
