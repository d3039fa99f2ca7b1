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
public sealed class ContractTests : IClassFixture<EmbeddedNodeFixture>
{
    private readonly NodeProcess _node;

    public ContractTests(EmbeddedNodeFixture fixture) => _node = fixture.Node;

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
            ["nodeId", "datacenter", "version", "caughtUp", "lag", "assignedPartitions", "lastError", "positions"],
            raw.EnumerateObject().Select(p => p.Name));
    }
}
