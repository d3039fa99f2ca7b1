using Sidecar.Common.Contracts;

namespace Sidecar.Common.Tests.Contracts;

public sealed class DatasetNameTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("recent")]
    [InlineData("user-segments")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32
    [InlineData("")]
    [InlineData("Segments")]
    [InlineData("recent.v2")]
    [InlineData("recent_v2")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")] // 33
    [InlineData("dç")]
    public void A_dataset_name_follows_the_datacenter_names_rule(string name) =>
        Assert.Equal(DatacenterName.IsValid(name), DatasetName.IsValid(name));

    [Fact]
    public void The_default_dataset_has_a_valid_name() => Assert.True(DatasetName.IsValid(DatasetName.Default));

    [Fact]
    public void The_error_names_the_setting_and_the_rule() =>
        Assert.Equal(
            "Datasets: 'Recent' must be a dataset name: 1-32 characters of lowercase letters, digits or '-'.",
            DatasetName.Problem("Datasets: 'Recent'"));
}
