using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Common.Kafka;
using Sidecar.Store;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// The partition-grouped key layout end to end, with real node processes, a real Consul agent and
/// the Kafka mock: a snapshot built with <c>--partitions</c> rolls out, serves, takes writes in its
/// layout and checkpoints in it; a manifest that misstates its files' layout is voted down.
/// </summary>
public sealed class LayoutRolloutTests
{
    // The cluster's update topic has 4 partitions (RolloutCluster).
    private const int Partitions = 4;

    private static readonly string[] Configured = ["--Store:Partitions", $"{Partitions}"];

    [Fact]
    public async Task A_snapshot_built_with_partitions_rolls_out_serves_takes_writes_and_checkpoints_in_its_layout()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync(("n1", Configured), ("n2", Configured), ("n3", Configured));
        var input = cluster.Dir.Sub("p1.jsonl");
        await File.WriteAllLinesAsync(input, Documents.Users("p", 60, "p1"));
        var built = cluster.Dir.Sub("build-p1");
        var output = await cluster.CliAsync(0, "snapshot", "build", "--input", input, "--out", built, "--version", "p1", "--partitions", $"{Partitions}");
        Assert.Contains("key layout murmur2/4", output);
        var manifest = SnapshotVerifier.Verify(built, "p1");
        Assert.Equal((SnapshotManifest.LayoutFormat, "murmur2/4"), (manifest.FormatVersion, manifest.Layout));

        await cluster.CliAsync(0, "snapshot", "publish", built, "--registry", cluster.Registry, "--consul", cluster.Consul.Address.ToString());
        await cluster.CliAsync(0, "rollout", "start", "p1", "--deadline", "00:01:00", "--wait");
        await cluster.WaitAllOnVersionAsync("p1", TimeSpan.FromSeconds(30));

        // Writes after the swap: produced by murmur2 of the user id, so every record lands in the
        // partition the layout puts its user in.
        var n1 = cluster["n1"];
        for (var i = 0; i < 30; i++)
        {
            await IncrementAsync(n1, $"p{i}", 100);
        }

        var expected = await Digest(n1);
        foreach (var node in cluster.Nodes)
        {
            await node.WaitAsync("every write applied", async () => (await Digest(node)).Digest == expected.Digest, TimeSpan.FromSeconds(30));
            var digest = await Digest(node);
            Assert.Equal(("p1", "murmur2/4", 60L), (digest.Version, digest.Layout, digest.Users));
            var user = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/p7");
            Assert.Equal(107, user.GetProperty("counters").GetProperty("views").GetInt64());
            Assert.Equal("p1", user.GetProperty("fields").GetProperty("source").GetString());
            Assert.Contains("sidecar_ingest_misplaced_total{", await node.Http.GetStringAsync("/metrics"));
            Assert.Equal(0, await node.MetricAsync("sidecar_ingest_misplaced_total"));
        }

        // One partition's users digest alone, and the partitions together are every user.
        long users = 0;
        for (var p = 0; p < Partitions; p++)
        {
            var partition = await Digest(n1, $"?partition={p}");
            Assert.Equal(p, partition.Partition);
            Assert.Equal(Enumerable.Range(0, 60).Count(i => KafkaPartitioner.Partition($"p{i}", Partitions) == p), partition.Users);
            users += partition.Users;
        }

        Assert.Equal(60, users);
        var outOfRange = await n1.Http.GetAsync($"/admin/digest?partition={Partitions}");
        Assert.Equal(400, (int)outOfRange.StatusCode);
        Assert.Contains("partition must be 0 to 3", await outOfRange.Content.ReadAsStringAsync());

        // A checkpoint of the live version keeps its layout, and another node ingests it to the same state.
        var checkpoint = cluster.Dir.Sub("ckpt-p2");
        await cluster.CliAsync(0, "snapshot", "checkpoint", "--node", n1.Url.ToString(), "--out", checkpoint, "--version", "p2");
        Assert.Equal("murmur2/4", SnapshotVerifier.Verify(checkpoint, "p2").Layout);
        await cluster.CliAsync(0, "snapshot", "publish", checkpoint, "--registry", cluster.Registry, "--consul", cluster.Consul.Address.ToString());
        await cluster.CliAsync(0, "rollout", "start", "p2", "--deadline", "00:01:00", "--wait");
        await cluster.WaitAllOnVersionAsync("p2", TimeSpan.FromSeconds(30));
        foreach (var node in cluster.Nodes)
        {
            var digest = await Digest(node);
            Assert.Equal(("p2", "murmur2/4", expected.Digest), (digest.Version, digest.Layout, digest.Digest));
        }
    }

    [Fact]
    public async Task A_flat_dataset_moves_to_the_partitioned_layout_by_a_re_keyed_checkpoint_with_every_update_applied_once()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync("n1", "n2");
        var n1 = cluster["n1"];
        for (var i = 0; i < 40; i++)
        {
            await IncrementAsync(n1, $"m{i}", 1);
        }

        Assert.Equal("flat", (await Digest(n1)).Layout);

        // The documented way: Partitions on every node by a rolling restart (the data stays flat)...
        foreach (var id in new[] { "n1", "n2" })
        {
            await cluster.StopAsync(id);
            await cluster.RestartAsync(id, Configured);
        }

        n1 = cluster["n1"];
        var restarted = await Digest(n1);
        Assert.Equal(("initial", "flat", 40L), (restarted.Version, restarted.Layout, restarted.Users));

        // ...then a checkpoint re-keyed into the layout, rolled out.
        var dir = cluster.Dir.Sub("ckpt-m1");
        var output = await cluster.CliAsync(0, "snapshot", "checkpoint", "--node", n1.Url.ToString(), "--out", dir, "--version", "m1", "--partitions", $"{Partitions}");
        Assert.Contains("key layout murmur2/4", output);

        // Streamed after the checkpoint: caught up from Kafka into the new layout, exactly once.
        for (var i = 0; i < 40; i += 2)
        {
            await IncrementAsync(n1, $"m{i}", 10);
        }

        var expected = await Digest(n1);
        await cluster.CliAsync(0, "snapshot", "publish", dir, "--registry", cluster.Registry, "--consul", cluster.Consul.Address.ToString());
        await cluster.CliAsync(0, "rollout", "start", "m1", "--deadline", "00:01:00", "--wait");
        await cluster.WaitAllOnVersionAsync("m1", TimeSpan.FromSeconds(30));
        await cluster.RestartAsync("n3", Configured); // a fresh store loads the committed version in its layout
        foreach (var node in cluster.Nodes)
        {
            await node.WaitAsync("the state from before the rollout", async () => (await Digest(node)).Digest == expected.Digest, TimeSpan.FromSeconds(30));
            var digest = await Digest(node);
            Assert.Equal(("m1", "murmur2/4", 40L), (digest.Version, digest.Layout, digest.Users));
            var user = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/m4");
            Assert.Equal(11, user.GetProperty("counters").GetProperty("views").GetInt64());
        }

        var refused = await n1.Http.PostAsync("/admin/checkpoints?version=m2&partitions=10001", null);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_snapshot_in_another_layout_than_its_files_or_the_nodes_configuration_is_voted_down_and_an_unknown_layout_is_refused()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync("n1", "n2");
        var input = cluster.Dir.Sub("bad.jsonl");
        await File.WriteAllLinesAsync(input, Documents.Users("b", 20, "bad"));
        var built = cluster.Dir.Sub("build-bad");
        new SnapshotBuilder { Version = "bad", Layout = KeyLayout.Of(Partitions) }.Build(input, built);

        // Unknown layouts and formats are refused before anything is ingested.
        var manifestPath = Path.Combine(built, SnapshotManifest.FileName);
        var manifest = SnapshotVerifier.ReadManifest(built);
        await File.WriteAllBytesAsync(manifestPath, RolloutJson.Bytes(manifest with { Layout = "crc32/4" }));
        Assert.Contains("key layout 'crc32/4' is not known", Assert.Throws<SnapshotInvalidException>(() => SnapshotVerifier.Verify(built)).Message);
        await File.WriteAllBytesAsync(manifestPath, RolloutJson.Bytes(manifest with { FormatVersion = 3 }));
        Assert.Contains("format version 3 is not supported", Assert.Throws<SnapshotInvalidException>(() => SnapshotVerifier.Verify(built)).Message);

        // A format 1 (flat) manifest over partitioned files passes every checksum: the nodes find the
        // layout the files hold once ingested, and vote NO before anything is served.
        await File.WriteAllBytesAsync(manifestPath, RolloutJson.Bytes(manifest with { FormatVersion = SnapshotManifest.FlatFormat, Layout = null }));
        await cluster.CliAsync(0, "snapshot", "publish", built, "--registry", cluster.Registry, "--consul", cluster.Consul.Address.ToString());
        await cluster.CliAsync(1, "rollout", "start", "bad", "--deadline", "00:01:00", "--wait");
        await cluster.AssertVotedDownAsync("the files hold the key layout murmur2/4, the manifest says flat");
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        // A snapshot true to its files, in another layout than the nodes are configured for (flat
        // here): a build that forgot or mistook --partitions, voted down with what to do.
        var other = cluster.Dir.Sub("build-other");
        new SnapshotBuilder { Version = "other", Layout = KeyLayout.Of(Partitions) }.Build(input, other);
        await cluster.CliAsync(0, "snapshot", "publish", other, "--registry", cluster.Registry, "--consul", cluster.Consul.Address.ToString());
        await cluster.CliAsync(1, "rollout", "start", "other", "--deadline", "00:01:00", "--wait");
        await cluster.AssertVotedDownAsync(
            "version other has the key layout murmur2/4, and this dataset's nodes are configured for flat (Partitions = 0): build it with --partitions 0, or set Partitions to 4 on every node first");
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        var (exit, output) = await cluster.RunCliAsync("snapshot", "build", "--input", input, "--out", cluster.Dir.Sub("too-many"), "--partitions", "10001");
        Assert.Equal(2, exit);
        Assert.Contains("--partitions 10001 must be 0 (flat) to 10000", output);
    }

    private static async Task IncrementAsync(Sidecar.Testing.NodeProcess node, string user, int by)
    {
        var response = await node.Http.PostAsync($"/v1/users/{user}/updates?wait=applied", JsonContent.Create(new { ops = new object[] { new { op = "incr", counter = "views", by } } }));
        response.EnsureSuccessStatusCode();
    }

    private static async Task<NodeDigest> Digest(Sidecar.Testing.NodeProcess node, string query = "") =>
        (await node.Http.GetFromJsonAsync($"/admin/digest{query}", AdminJson.Default.NodeDigest))!;
}
