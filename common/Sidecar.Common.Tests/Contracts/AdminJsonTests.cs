using System.Text.Json;
using Sidecar.Common.Contracts;

namespace Sidecar.Common.Tests.Contracts;

/// <summary>The admin answers' wire shape, byte for byte: sidecarctl, tests and operators' scripts read these names.</summary>
public sealed class AdminJsonTests
{
    [Fact]
    public void Node_status()
    {
        var status = new NodeStatus("n1", "dc-a", "v1", true, 3, 8, null, new Dictionary<string, long> { ["updates:0"] = 5, ["dc-b.updates:1"] = 7 });
        Assert.Equal(
            """{"nodeId":"n1","datacenter":"dc-a","version":"v1","caughtUp":true,"lag":3,"assignedPartitions":8,"lastError":null,"positions":{"updates:0":5,"dc-b.updates:1":7},"rules":null,"dataset":"default","datasets":null}""",
            JsonSerializer.Serialize(status, AdminJson.Default.NodeStatus));
    }

    [Fact]
    public void Node_status_of_a_named_dataset_and_from_a_node_before_datasets()
    {
        var status = new NodeStatus("n1", "dc-a", "s1", true, 0, 4, null, [], null, "segments", ["default", "segments"]);
        Assert.EndsWith(""","dataset":"segments","datasets":["default","segments"]}""", JsonSerializer.Serialize(status, AdminJson.Default.NodeStatus));

        // A node from before datasets says nothing of them: its status is the default dataset's.
        var older = JsonSerializer.Deserialize(
            """{"nodeId":"n1","datacenter":"dc-a","version":"v1","caughtUp":true,"lag":0,"assignedPartitions":1,"lastError":null,"positions":{},"rules":null}""",
            AdminJson.Default.NodeStatus)!;
        Assert.Equal("default", older.Dataset);
        Assert.Null(older.Datasets);
    }

    [Fact]
    public void Node_status_with_rules()
    {
        var rules = new RulesStatus("/etc/rules.yaml", "0123456789abcdef", new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), null, "sidecar-rules",
            [new RuleStatus("hotel-search", ["clicks.b2c", "clicks.b2b"], 10, 30, 1, 2.5)], new Dictionary<string, long> { ["clicks.b2c:0"] = 4 }, 6);
        var status = new NodeStatus("n1", "dc-a", "v1", true, 0, 1, null, [], rules);
        Assert.Equal(
            """{"nodeId":"n1","datacenter":"dc-a","version":"v1","caughtUp":true,"lag":0,"assignedPartitions":1,"lastError":null,"positions":{},"rules":{"file":"/etc/rules.yaml","hash":"0123456789abcdef","loadedAt":"2026-12-02T10:00:00+00:00","lastError":null,"groupId":"sidecar-rules","rules":[{"name":"hotel-search","topics":["clicks.b2c","clicks.b2b"],"matched":10,"ops":30,"deadLettered":1,"matchedPerSecond":2.5}],"sourceLag":{"clicks.b2c:0":4},"skipped":6},"dataset":"default","datasets":null}""",
            JsonSerializer.Serialize(status, AdminJson.Default.NodeStatus));
    }

    [Fact]
    public void Node_digest()
    {
        Assert.Equal(
            """{"version":"v1","digest":"ab","users":2,"at":null,"partition":null,"layout":null}""",
            JsonSerializer.Serialize(new NodeDigest("v1", "ab", 2), AdminJson.Default.NodeDigest));
        Assert.Equal(
            """{"version":"v1","digest":"ab","users":2,"at":1764892800000,"partition":3,"layout":"murmur2/8"}""",
            JsonSerializer.Serialize(new NodeDigest("v1", "ab", 2, 1764892800000, 3, "murmur2/8"), AdminJson.Default.NodeDigest));
        // A digest written before "at", "partition" and "layout" existed reads as one of a dataset
        // without expiry, over every user.
        var old = JsonSerializer.Deserialize("""{"version":"v1","digest":"ab","users":2}""", AdminJson.Default.NodeDigest)!;
        Assert.Equal((null, null, null), (old.At, old.Partition, old.Layout));
    }

    [Fact]
    public void Replicator_status()
    {
        var status = new ReplicatorStatus("dc-a", "dc-b", ["updates"], [new("updates [[0]]", "dc-a.updates [[0]]", 41, null, 0.5)]);
        Assert.Equal(
            """{"source":"dc-a","target":"dc-b","topics":["updates"],"partitions":[{"source":"updates [[0]]","remote":"dc-a.updates [[0]]","lastAcked":41,"gap":null,"checkpointAgeSeconds":0.5}]}""",
            JsonSerializer.Serialize(status, AdminJson.Default.ReplicatorStatus));
    }

    [Fact]
    public void Proxy_route_round_trips()
    {
        var route = new RouteExplanation("u1", "00000000000000ff", "local", "dc-a", "n1", "dc-a", "http://n1:80", "Primary", "why", 4,
            [new DatacenterRanking("dc-a", [new RankedNode("n1", "http://n1:80", "0000000000000001", true, "ok")])]);
        var json = JsonSerializer.Serialize(route, AdminJson.Default.RouteExplanation);
        Assert.Equal(
            """{"userId":"u1","userHash":"00000000000000ff","mode":"local","preferredDatacenter":"dc-a","node":"n1","datacenter":"dc-a","address":"http://n1:80","kind":"Primary","reason":"why","membershipVersion":4,"order":[{"datacenter":"dc-a","nodes":[{"id":"n1","address":"http://n1:80","score":"0000000000000001","available":true,"health":"ok"}]}]}""",
            json);
        var back = JsonSerializer.Deserialize(json, AdminJson.Default.RouteExplanation)!;
        Assert.Equal("n1", back.Order.Single().Nodes.Single().Id);
        Assert.Equal(route with { Order = back.Order }, back);
    }
}
