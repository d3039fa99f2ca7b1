using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// A node killed with SIGKILL in the middle of ingest restarts where its store says and
/// applies every update exactly once: counters prove it (a lost update makes one too small,
/// a double apply one too large).
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Users = 500;
    private const int IncrementsPerUser = 200;

    [Fact]
    public async Task Kill_9_mid_ingest_then_restart_loses_nothing_and_applies_nothing_twice()
    {
        using var dir = new TempDir();
        await using var kafka = await KafkaMockProcess.StartAsync("updates:8", "updates.dlq:8");
        using (var producer = new TestKafka(kafka.BootstrapServers))
        {
            var envelopes = new Envelopes("dc-a");
            producer.ProduceMany("updates", Enumerable.Range(0, IncrementsPerUser)
                .SelectMany(_ => Enumerable.Range(0, Users))
                .Select(u => envelopes.Create($"user-{u}", Envelopes.Incr("n"), Envelopes.Set("last", "\"x\""))));
        }

        const long total = (long)Users * IncrementsPerUser;
        var kills = 0;
        // Small batches so that a kill lands between many of them.
        string[] small = ["--Kafka:MaxBatch", "500"];
        await using (var first = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, extra: small))
        {
            await first.WaitAsync("a third ingested", async () => await first.ConsumedAsync() >= total / 3, TimeSpan.FromSeconds(120));
            await first.Process.KillAsync();
            kills++;
        }

        await using (var second = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers, extra: small))
        {
            var resumedAt = await ConsumedFromStore(second);
            Assert.True(resumedAt >= total / 3, $"restart resumed at {resumedAt}, below what was applied before the kill");
            await second.WaitAsync("two thirds ingested", async () => await second.ConsumedAsync() >= 2 * total / 3, TimeSpan.FromSeconds(120));
            await second.Process.KillAsync();
            kills++;
        }

        await using var third = await NodeProcess.StartAsync(dir.Sub("node"), kafka.BootstrapServers);
        await third.WaitConsumedAsync(total, TimeSpan.FromSeconds(120));
        Assert.Equal(2, kills);
        for (var u = 0; u < Users; u++)
        {
            var user = await third.Http.GetFromJsonAsync<JsonElement>($"/v1/users/user-{u}");
            Assert.Equal(IncrementsPerUser, user.GetProperty("counters").GetProperty("n").GetInt64());
        }
    }

    private static async Task<long> ConsumedFromStore(NodeProcess node)
    {
        // Positions are loaded from the store when partitions are assigned.
        await node.WaitAsync("partitions assigned", async () => (await node.StatusAsync()).GetProperty("assignedPartitions").GetInt32() == 8, TimeSpan.FromSeconds(30));
        return await node.ConsumedAsync();
    }
}
