using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Store.Rollout;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// Three node processes, one Consul agent, one Kafka: a snapshot is built, published and rolled
/// out while readers and writers keep going. Every node commits and serves the new version, no
/// read fails during the swap, and every update streamed before and during the rollout is there.
/// </summary>
public sealed class HappyPathTests
{
    private const int SnapshotUsers = 2_000;

    [Fact]
    public async Task Every_node_commits_serves_the_new_version_without_a_failed_read_or_a_lost_update()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync("n1", "n2", "n3");
        var nodes = cluster.Nodes.ToList();

        // Streamed before the rollout: the readers read this user on every node throughout.
        var before = await nodes[0].Http.PostAsync("/v1/users/reader/updates?wait=applied", JsonContent.Create(new { ops = new object[] { new { op = "set", field = "f", value = 1 } } }));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        foreach (var node in nodes)
        {
            await node.WaitAsync("the reader user", async () => (await node.Http.GetAsync("/v1/users/reader")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        }

        await cluster.BuildAndPublishAsync("v1", Documents.Users("snap-", SnapshotUsers, "v1"), viaCli: true);

        using var stop = new CancellationTokenSource();
        var errors = new ConcurrentQueue<string>();
        var versionsSeen = new ConcurrentDictionary<string, int>();
        var readers = nodes.Select(node => Task.Run(async () =>
        {
            long reads = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await node.Http.GetAsync("/v1/users/reader");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        errors.Enqueue($"{node.Url}: {(int)response.StatusCode}");
                        continue;
                    }

                    var version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString()!;
                    versionsSeen.AddOrUpdate(version, 1, (_, n) => n + 1);
                    reads++;
                }
                catch (HttpRequestException e)
                {
                    errors.Enqueue($"{node.Url}: {e.Message}");
                }
            }

            return reads;
        })).ToList();

        // Writers during the rollout, round-robin over the nodes; each acknowledged write must survive.
        var written = new ConcurrentBag<int>();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var body = JsonContent.Create(new { ops = new object[] { new { op = "set", field = "i", value = i }, new { op = "incr", counter = "views", by = 1 } } });
                var response = await nodes[i % nodes.Count].Http.PostAsync($"/v1/users/live-{i}/updates", body);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    written.Add(i);
                }

                await Task.Delay(5);
            }
        });

        await Task.Delay(300);
        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:01:00", "--wait");
        await cluster.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        await stop.CancelAsync();
        await writer;
        var reads = (await Task.WhenAll(readers)).Sum();

        Assert.True(errors.IsEmpty, $"{errors.Count} failed reads during the rollout: {string.Join("; ", errors.Take(5))}");
        Assert.True(reads > 100, $"only {reads} reads");
        Assert.Contains("v1", versionsSeen.Keys);

        var status = await cluster.StatusAsync();
        Assert.Equal("v1", status.CommittedVersion);
        Assert.True(status.Round!.Decision!.Committed);
        Assert.Equal(3, status.Round.Votes.Count(v => v.Vote.Yes));
        Assert.Equal(3, status.Round.Acks.Count(a => a.Outcome == Decision.Commit));

        Assert.True(written.Count > 10, $"only {written.Count} writes during the rollout");
        foreach (var node in nodes)
        {
            // Snapshot data, on the new version.
            var snap = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/snap-7");
            Assert.Equal("v1", snap.GetProperty("version").GetString());
            Assert.Equal("v1", snap.GetProperty("fields").GetProperty("source").GetString());
            Assert.Equal(7, snap.GetProperty("counters").GetProperty("views").GetInt64());

            // The previous version stays on disk for a rollback.
            Assert.True(Directory.Exists(Path.Combine(node.DataRoot, "versions", "initial")), $"{node.Url} pruned the previous version");

            // Every update streamed before or during the rollout.
            await node.WaitAsync("every streamed update", async () =>
            {
                foreach (var i in written)
                {
                    var response = await node.Http.GetAsync($"/v1/users/live-{i}");
                    if (!response.IsSuccessStatusCode)
                    {
                        return false;
                    }

                    var user = await response.Content.ReadFromJsonAsync<JsonElement>();
                    Assert.Equal(i, user.GetProperty("fields").GetProperty("i").GetInt32());
                    Assert.Equal(1, user.GetProperty("counters").GetProperty("views").GetInt64());
                }

                return (await node.Http.GetAsync("/v1/users/reader")).IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(30));
        }

        // Same data everywhere.
        await nodes[0].WaitAsync("equal digests", async () =>
            (await Task.WhenAll(nodes.Select(n => n.DigestAsync()))).Distinct().Count() == 1, TimeSpan.FromSeconds(30));

        // A node that joins now (empty data root) loads the committed version before it reports
        // ready, then catches up from Kafka to the same data as the others.
        var joined = await cluster.RestartAsync("n4");
        Assert.Equal("v1", await RolloutCluster.VersionAsync(joined));
        var joinedSnap = await joined.Http.GetFromJsonAsync<JsonElement>("/v1/users/snap-7");
        Assert.Equal("v1", joinedSnap.GetProperty("fields").GetProperty("source").GetString());
        await joined.WaitAsync("the joined node's digest", async () => await joined.DigestAsync() == await nodes[0].DigestAsync(), TimeSpan.FromSeconds(30));

        // Registration carries the committed version.
        await nodes[0].WaitAsync("version metadata", async () =>
            (await cluster.Client.Health.ServiceAsync("sidecar", passingOnly: true)).Value.Count(s => s.Service.Meta?["version"] == "v1") == 4, TimeSpan.FromSeconds(15));
    }
}
