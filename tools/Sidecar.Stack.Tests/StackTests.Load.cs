using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Testing;

namespace Sidecar.Stack.Tests;

// sidecar-stack load against the running stack (a part of StackTests, so that it runs on the same
// stack): HTTP searches through both proxies, and the users' clickstream events in their own
// datacenter's Kafka source topics (read back here with a plain consumer), found through the
// bootstrap file the stack wrote.
public sealed partial class StackTests
{
    [Fact]
    public async Task Load_produces_each_users_clickstream_into_its_datacenters_source_topics()
    {
        await using (var load = ChildProcess.StartDotnet("load", Repo.Program("tools/Sidecar.Stack", "sidecar-stack"),
            ["load", "--proxy", Stack.ProxyA, "--proxy", Stack.ProxyB, "--users", "40", "--rate", "20", "--duration", "00:00:04",
                "--event-rate", "100", "--data", Stack.DataRoot]))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await load.WaitForExitAsync(cts.Token);
            output.WriteLine(load.Output);
            Assert.True(load.ExitCode == 0, $"load exited {load.ExitCode}:\n{load.Output}");
            Assert.Contains("clickstream events/s into clicks.b2c, clicks.b2b", load.Output, StringComparison.Ordinal);
            Assert.Matches(@"events\s+[1-9]\d*", load.Output);
            Assert.Contains("moves the user's segment in the dataset segments", load.Output, StringComparison.Ordinal);
            Assert.Contains("adds the hotel to the user's views in recent", load.Output, StringComparison.Ordinal);
        }

        // Some of the load's users have a segment, read through either proxy.
        var segmented = 0;
        for (var u = 0; u < 40; u++)
        {
            using var response = await Http.GetAsync($"{(u % 2 == 0 ? Stack.ProxyA : Stack.ProxyB)}/v1/datasets/segments/users/user-{u:D5}");
            segmented += response.IsSuccessStatusCode ? 1 : 0;
        }

        Assert.True(segmented > 0, "no user of the load has a segment");

        // And some have viewed hotels in the dataset with a 30-day item expiry (none expired yet).
        var viewers = 0;
        for (var u = 0; u < 40; u++)
        {
            using var response = await Http.GetAsync($"{(u % 2 == 0 ? Stack.ProxyA : Stack.ProxyB)}/v1/datasets/recent/users/user-{u:D5}");
            viewers += response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lists").GetProperty("hotels").GetArrayLength() > 0 ? 1 : 0;
        }

        Assert.True(viewers > 0, "no user of the load has viewed hotels in the recent dataset");

        var bootstrap = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(Stack.DataRoot, "kafka-bootstrap.json")))!;
        Assert.Equal(["dc-a", "dc-b"], bootstrap.Keys.Order());
        var total = 0;
        foreach (var (dc, parity) in new[] { ("dc-a", 0), ("dc-b", 1) })
        {
            var users = ReadUsers(bootstrap[dc]);
            output.WriteLine($"{dc}: {users.Count} events");
            Assert.NotEmpty(users);
            // Users are spread over the datacenters as over the proxies: user n lives in datacenter n mod 2.
            Assert.All(users, u => Assert.Equal(parity, int.Parse(u["user-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2));
            total += users.Count;
        }

        Assert.InRange(total, 100, 400 + 50);
    }

    /// <summary>The user id of every event in clicks.b2c and clicks.b2b (8 partitions each) of one Kafka; the key and the event agree.</summary>
    private static List<string> ReadUsers(string bootstrap)
    {
        NativeKafka.EnsureLoaded();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "load-test-" + Guid.NewGuid().ToString("n"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        string[] topics = ["clicks.b2c", "clicks.b2b"];
        var partitions = topics.SelectMany(t => Enumerable.Range(0, 8).Select(p => new TopicPartition(t, p))).ToList();
        var ends = partitions.ToDictionary(tp => tp, tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var users = new List<string>();
        var expected = ends.Values.Sum();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (users.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                var user = JsonDocument.Parse(message.Value).RootElement.GetProperty("user").GetProperty("id").GetString()!;
                Assert.Equal(user, Encoding.UTF8.GetString(message.Key));
                users.Add(user);
            }
        }

        Assert.Equal(expected, users.Count);
        return users;
    }
}
