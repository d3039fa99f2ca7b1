using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// A real node serves what the shared contracts say (<see cref="NodeMetricNames"/>,
/// <see cref="AdminJson"/>): the names sidecarctl, tests and benchmarks read are the names it exports.
/// </summary>
public sealed class ContractTests : IClassFixture<RulesNodeFixture>
{
    private readonly NodeProcess _node;

    public ContractTests(RulesNodeFixture fixture) => _node = fixture.Node;

    [Fact]
    public async Task Every_node_metric_is_exported_under_its_derived_name()
    {
        var write = await _node.Http.PostAsync("/v1/users/c-1/updates?wait=applied", new StringContent("""{"ops":[{"op":"incr","counter":"c"}]}""", Encoding.UTF8, "application/json"));
        write.EnsureSuccessStatusCode();
        var metrics = await _node.Http.GetStringAsync("/metrics");
        var all = typeof(NodeMetricNames).GetFields().Select(f => (MetricName)f.GetValue(null)!).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, m => Assert.Contains($"# TYPE {m.Exported} ", metrics));
    }

    [Fact]
    public async Task Admin_status_reads_back_with_the_shared_type()
    {
        var raw = await _node.Http.GetFromJsonAsync<JsonElement>("/admin/status");
        var status = await _node.Http.GetFromJsonAsync("/admin/status", AdminJson.Default.NodeStatus);
        Assert.NotNull(status);
        Assert.Equal(raw.GetProperty("nodeId").GetString(), status.NodeId);
        Assert.Equal(raw.GetProperty("version").GetString(), status.Version);
        Assert.Equal(raw.GetProperty("positions").EnumerateObject().Count(), status.Positions.Count);
        Assert.Equal(
            ["nodeId", "datacenter", "version", "caughtUp", "lag", "assignedPartitions", "lastError", "positions", "rules", "dataset", "datasets"],
            raw.EnumerateObject().Select(p => p.Name));
        Assert.Equal("default", status.Dataset);
        Assert.Equal(["default"], status.Datasets);
        Assert.NotNull(status.Rules);
        Assert.Equal(raw.GetProperty("rules").GetProperty("hash").GetString(), status.Rules.Hash);
        Assert.Equal(["contract-rule"], status.Rules.Rules.Select(r => r.Name));
        Assert.Equal(
            ["file", "hash", "loadedAt", "lastError", "groupId", "rules", "sourceLag", "skipped"],
            raw.GetProperty("rules").EnumerateObject().Select(p => p.Name));
    }
}

/// <summary>A node that also runs a (small) rules file and has mapped one event and skipped another
/// (produced by an outside client), so that every metric and every status property exists.</summary>
public sealed class RulesNodeFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private KafkaMockProcess? _kafka;

    internal NodeProcess Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _kafka = await KafkaMockProcess.StartAsync("updates:2", "updates.dlq:2", "clicks:1");
        var rules = Path.Combine(_dir.Path, "rules.json");
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(rules, """
            {"version":1,"rules":[{"name":"contract-rule","topics":["clicks"],"when":"[/kind] == 'click'","user":"/user","ops":[{"incr":{"counter":"clicks"}}]}]}
            """);
        Node = await NodeProcess.StartAsync(_dir.Sub("node"), _kafka.BootstrapServers, extra: ["--Rules:File", rules]);
        await Node.WaitAsync("ready", async () => (await Node.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        using (var kafka = new TestKafka(_kafka.BootstrapServers))
        {
            await kafka.ProduceRawAsync("clicks", null, """{"user":"c-2","kind":"click"}"""u8.ToArray());
            await kafka.ProduceRawAsync("clicks", null, """{"user":"c-3","kind":"view"}"""u8.ToArray());
        }

        // The source lag is measured once a second: its gauge has a series only once it was
        // measured with the source partition assigned.
        await Node.WaitAsync("one event mapped, one skipped and the source lag measured", async () =>
            (await Node.Http.GetFromJsonAsync("/admin/status", AdminJson.Default.NodeStatus))?.Rules is { Skipped: 1 } rules && rules.Rules[0].Matched == 1
            && rules.SourceLag.ContainsKey("clicks:0"),
            TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        if (_kafka is not null)
        {
            await _kafka.DisposeAsync();
        }

        _dir.Dispose();
    }
}
