using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Store.Snapshots;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// How a dataset with <c>Ttl</c> loses its expired users (a "TTL repush"): every node hides a
/// user not updated for <c>Ttl</c> at once, and a checkpoint of one node leaves it out; rolled
/// out, that version removes the user from every node together, so a later write to it starts a
/// fresh user everywhere alike. Real nodes, a real Consul agent, the HTTP registry, sidecarctl.
/// </summary>
public sealed class ExpiryRepushTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_checkpoint_leaves_out_hidden_users_and_its_rollout_removes_them_from_every_node()
    {
        await using var cluster = await RolloutCluster.StartWithDatasetsAsync(await ConsulAgent.StartAsync("dc-a"), ["recent"], "--Datasets:recent:Ttl", Ttl.ToString("c"));
        await using var registry = await RegistryProcess.StartAsync(cluster.Dir.Sub("http-registry"));
        await cluster.StartNodesAsync("n1", "n2");
        var n1 = cluster["n1"];

        var started = DateTimeOffset.UtcNow;
        await WriteAsync(n1, "gone", new { op = "incr", counter = "views", by = 5 });
        await WriteAsync(n1, "kept", new { op = "set", field = "f", value = 1 });
        await Task.Delay(Ttl / 2);
        await WriteAsync(n1, "kept", new { op = "set", field = "f", value = 2 });

        // "gone" is past its Ttl, "kept" (written again since) is not: the same on both nodes.
        var wait = started + Ttl + TimeSpan.FromMilliseconds(500) - DateTimeOffset.UtcNow;
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/v1/datasets/recent/users/gone")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/v1/datasets/recent/users/kept")).StatusCode);
        }

        var dir = cluster.Dir.Sub("repush");
        var output = await cluster.CliAsync(0, "snapshot", "checkpoint", "--node", n1.Url.ToString(), "--dataset", "recent", "--out", dir, "--version", "repush1");
        Assert.Contains("checkpoint repush1: 1 users", output);
        Assert.Equal(1, SnapshotVerifier.Verify(dir, "repush1").KeyCount);
        Assert.False(Directory.Exists(Path.Combine(n1.DataRoot, "datasets", "recent", "checkpoints", "repush1")), "the node kept the checkpoint after it was copied");

        await cluster.CliAsync(0, "snapshot", "publish", dir, "--registry", registry.Url, "--consul", cluster.Consul.Address.ToString(), "--dataset", "recent");
        await cluster.CliAsync(0, "rollout", "start", "repush1", "--dataset", "recent", "--deadline", "00:01:00", "--wait");
        foreach (var node in cluster.Nodes)
        {
            await node.WaitAsync("the repush live", async () => (await node.Http.GetFromJsonAsync("/admin/status?dataset=recent", AdminJson.Default.NodeStatus))!.Version == "repush1", TimeSpan.FromSeconds(30));
        }

        // Written again after the repush, "gone" is a new user on every node: its old views went with the version.
        await WriteAsync(n1, "gone", new { op = "incr", counter = "views", by = 1 });
        foreach (var node in cluster.Nodes)
        {
            await node.WaitAsync("the new user", async () => (await node.Http.GetAsync("/v1/datasets/recent/users/gone")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
            var user = await node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/recent/users/gone");
            Assert.Equal(1, user.GetProperty("counters").GetProperty("views").GetInt64());
            Assert.Equal(2, (await node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/recent/users/kept")).GetProperty("fields").GetProperty("f").GetInt32());
        }

        // The default dataset's checkpoints are where they were, and an unknown dataset has none.
        Assert.Equal(HttpStatusCode.NotFound, (await n1.Http.PostAsync("/admin/datasets/nope/checkpoints?version=x", null)).StatusCode);
    }

    private static async Task WriteAsync(NodeProcess node, string user, object op)
    {
        using var response = await node.Http.PostAsync($"/v1/datasets/recent/users/{user}/updates?wait=applied", JsonContent.Create(new { ops = new[] { op } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
