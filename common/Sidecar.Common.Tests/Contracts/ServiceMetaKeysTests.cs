using Sidecar.Common.Contracts;

namespace Sidecar.Common.Tests.Contracts;

public sealed class ServiceMetaKeysTests
{
    [Fact]
    public void The_datasets_of_a_registration_are_the_default_ones_version_and_every_dataset_key()
    {
        var meta = new Dictionary<string, string>
        {
            [ServiceMetaKeys.Version] = "v7",
            [ServiceMetaKeys.DatasetVersion("segments")] = "s1",
            [ServiceMetaKeys.DatasetVersion("recent")] = "initial",
            [ServiceMetaKeys.Datacenter] = "dc-a",
            ["dataset-Not A Name"] = "x",
        };
        Assert.Equal(["default", "recent", "segments"], ServiceMetaKeys.Datasets(meta).Keys);
        Assert.Equal(["v7", "initial", "s1"], ServiceMetaKeys.Datasets(meta).Values);
        Assert.True(ServiceMetaKeys.Serves(meta, "recent"));
        Assert.False(ServiceMetaKeys.Serves(meta, "other"));
    }

    [Fact]
    public void A_node_from_before_datasets_serves_the_default_one_only()
    {
        Assert.Equal(["default"], ServiceMetaKeys.Datasets(new Dictionary<string, string> { [ServiceMetaKeys.Version] = "v1" }).Keys);
        Assert.Empty(ServiceMetaKeys.Datasets(null));
    }
}
