using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Replicator.Tests;

/// <summary>
/// Two datacenters on loopback: each its own Kafka (mock cluster host process) and node; the
/// replicators are started by each test as it needs them.
/// </summary>
internal sealed class TwoDatacenters : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<ReplicatorProcess> _replicators = [];

    private TwoDatacenters(KafkaMockProcess kafkaA, KafkaMockProcess kafkaB)
    {
        KafkaA = kafkaA;
        KafkaB = kafkaB;
    }

    public KafkaMockProcess KafkaA { get; }

    public KafkaMockProcess KafkaB { get; }

    public NodeProcess NodeA { get; private set; } = null!;

    public NodeProcess NodeB { get; private set; } = null!;

    /// <param name="datasets">Named datasets on both nodes (<c>Datasets:&lt;name&gt;:Topic</c> = the name), their topics in both Kafkas.</param>
    /// <param name="nodeArgs">More settings of both nodes.</param>
    public static async Task<TwoDatacenters> StartAsync(int partitions = 4, bool nodes = true, string[]? datasets = null, string[]? nodeArgs = null)
    {
        string[] names = ["updates", .. datasets ?? []];
        string[] topics = [.. names.SelectMany(t => new[] { $"{t}:{partitions}", $"{t}.dlq:{partitions}" })];
        var kafkaA = await KafkaMockProcess.StartAsync(topics);
        var kafkaB = await KafkaMockProcess.StartAsync(topics);
        var dcs = new TwoDatacenters(kafkaA, kafkaB);
        if (nodes)
        {
            string[] args = [.. (datasets ?? []).SelectMany(d => new[] { $"--Datasets:{d}:Topic", d }), .. nodeArgs ?? []];
            dcs.NodeA = await NodeProcess.StartAsync(dcs._dir.Sub("a"), kafkaA.BootstrapServers, "dc-a", "a1", args);
            dcs.NodeB = await NodeProcess.StartAsync(dcs._dir.Sub("b"), kafkaB.BootstrapServers, "dc-b", "b1", args);
        }

        return dcs;
    }

    public async Task<ReplicatorProcess> ReplicateAsync(string id, string source, string target, params string[] extra)
    {
        var replicator = await ReplicatorProcess.StartAsync(id, source, source == "dc-a" ? KafkaA : KafkaB, target, target == "dc-a" ? KafkaA : KafkaB, extra);
        _replicators.Add(replicator);
        return replicator;
    }

    /// <summary>Waits until both nodes hold identical state, and it stays so for a moment.</summary>
    public async Task<string> WaitConvergedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? last = null;
        var stableSince = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline)
        {
            var a = await NodeA.DigestAsync();
            var b = await NodeB.DigestAsync();
            if (a == b && a == last)
            {
                if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(2))
                {
                    return a;
                }
            }
            else
            {
                stableSince = a == b ? DateTime.UtcNow : DateTime.MaxValue;
            }

            last = a == b ? a : null;
            await Task.Delay(200);
        }

        throw new TimeoutException($"nodes did not converge: {await NodeA.DigestAsync()} vs {await NodeB.DigestAsync()}");
    }

    public static async Task<long> CounterAsync(NodeProcess node, string user, string counter)
    {
        var response = await node.Http.GetAsync($"/v1/users/{user}");
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("counters").TryGetProperty(counter, out var value) ? value.GetInt64() : 0;
    }

    public static Task<double> MetricAsync(HttpClient http, string name) => PrometheusText.SumAsync(http, name);

    public async ValueTask DisposeAsync()
    {
        foreach (var replicator in _replicators)
        {
            await replicator.DisposeAsync();
        }

        if (NodeA is not null)
        {
            await NodeA.DisposeAsync();
        }

        if (NodeB is not null)
        {
            await NodeB.DisposeAsync();
        }

        await KafkaA.DisposeAsync();
        await KafkaB.DisposeAsync();
        _dir.Dispose();
    }
}
