using Sidecar.Node.Coordination;

namespace Sidecar.Node.Tests.Coordination;

/// <summary>Which fetched snapshots a node refuses for their key layout: exactly those the dataset is not configured for.</summary>
public sealed class LayoutRefusalTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(8, 8)]
    public void A_snapshot_in_the_configured_layout_is_taken(int snapshot, int configured) =>
        Assert.Null(VersionPreparer.LayoutRefusal("v2", KeyLayout.Of(snapshot), KeyLayout.Of(configured)));

    [Theory]
    [InlineData(0, 8, "version v2 has the key layout flat, and this dataset's nodes are configured for murmur2/8 (Partitions = 8): build it with --partitions 8, or set Partitions to 0 on every node first")]
    [InlineData(8, 0, "version v2 has the key layout murmur2/8, and this dataset's nodes are configured for flat (Partitions = 0): build it with --partitions 0, or set Partitions to 8 on every node first")]
    [InlineData(4, 8, "version v2 has the key layout murmur2/4, and this dataset's nodes are configured for murmur2/8 (Partitions = 8): build it with --partitions 8, or set Partitions to 4 on every node first")]
    public void A_snapshot_in_another_layout_is_refused_with_what_to_do(int snapshot, int configured, string reason) =>
        Assert.Equal(reason, VersionPreparer.LayoutRefusal("v2", KeyLayout.Of(snapshot), KeyLayout.Of(configured)));
}
