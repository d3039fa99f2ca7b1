using Microsoft.Extensions.Configuration;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;

namespace Sidecar.Node.Tests.Datasets;

public sealed class DatasetContainerTests
{
    [Fact]
    public void A_named_dataset_binds_the_nodes_settings_with_its_own_over_them()
    {
        var node = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Node:Id"] = "a1",
            ["Node:DataRoot"] = "/data/node",
            ["Kafka:UpdatesTopic"] = "updates",
            ["Kafka:MaxBatch"] = "777",
            ["Store:ListCap"] = "100",
            ["Store:SyncWrites"] = "true",
            ["Store:Partitions"] = "16",
            ["Rollout:RetainVersions"] = "1",
            ["Rollout:PollInterval"] = "00:00:02",
            ["Consul:KvPrefix"] = "teams/search",
        }).Build();
        var dataset = new DatasetOptions { Topic = "segments", ListCap = 5, ItemTtl = TimeSpan.FromDays(30), Ttl = TimeSpan.FromHours(36), Partitions = 8 };
        dataset.Rollout["RetainVersions"] = "4";

        var own = DatasetContainer.Configuration(node, node.GetSection("Node").Get<NodeOptions>()!, node.GetSection("Consul").Get<ConsulOptions>()!, "segments", dataset);

        // The dataset's own: where it lives, its topics, its list cap, its retention, its Consul keys.
        Assert.Equal(Path.Combine("/data/node", "datasets", "segments"), own["Node:DataRoot"]);
        Assert.Equal("segments", own["Kafka:UpdatesTopic"]);
        Assert.Equal("segments.dlq", own["Kafka:DeadLetterTopic"]);
        Assert.Equal(5, own.GetSection("Store").Get<StoreOptions>()!.ListCap);
        Assert.Equal(new Sidecar.Node.Merge.Expiry(TimeSpan.FromDays(30), TimeSpan.FromHours(36)), own.GetSection("Store").Get<StoreOptions>()!.Expiry);
        Assert.Equal(KeyLayout.Of(8), own.GetSection("Store").Get<StoreOptions>()!.Layout);
        Assert.Equal(4, own.GetSection("Rollout").Get<RolloutOptions>()!.RetainVersions);
        Assert.Equal("teams/search/datasets/segments", own["Consul:KvPrefix"]);

        // The node's, for everything the dataset does not set (its id above all: votes are the node's).
        Assert.Equal("a1", own["Node:Id"]);
        Assert.Equal(777, own.GetSection("Kafka").Get<KafkaOptions>()!.MaxBatch);
        Assert.True(own.GetSection("Store").Get<StoreOptions>()!.SyncWrites);
        Assert.Equal(TimeSpan.FromSeconds(2), own.GetSection("Rollout").Get<RolloutOptions>()!.PollInterval);
    }
}
