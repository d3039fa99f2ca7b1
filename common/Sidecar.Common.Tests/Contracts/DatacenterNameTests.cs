using System.ComponentModel.DataAnnotations;
using Sidecar.Common.Contracts;
using Sidecar.Common.Kafka;

namespace Sidecar.Common.Tests.Contracts;

public sealed class DatacenterNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("dc1")]
    [InlineData("dc-a")]
    [InlineData("-")]
    [InlineData("0123456789")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32
    public void Accepts_lowercase_letters_digits_and_dashes_up_to_32(string name) =>
        Assert.True(DatacenterName.IsValid(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")] // 33
    [InlineData("DC1")]
    [InlineData("Bad_DC")]
    [InlineData("dc.a")]
    [InlineData("dc a")]
    [InlineData(" dc")]
    [InlineData("dc1\n")]
    [InlineData("dç")]
    [InlineData("ｄｃ")] // full-width letters
    public void Refuses_everything_else(string? name) =>
        Assert.False(DatacenterName.IsValid(name));

    [Fact]
    public void The_error_names_the_setting_and_the_rule() =>
        Assert.Equal(
            "Node:Datacenter must be a datacenter name: 1-32 characters of lowercase letters, digits or '-'.",
            DatacenterName.Problem("Node:Datacenter"));

    [Theory]
    [InlineData("dc-b", true)]
    [InlineData("Bad_DC", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("", true)] // absent is RequiredAttribute's business, as with RegularExpressionAttribute
    [InlineData(null, true)]
    public void The_attribute_applies_the_same_rule(string? value, bool valid)
    {
        var attribute = new DatacenterNameAttribute("Replicator:Source");
        var result = attribute.GetValidationResult(value, new ValidationContext(new object()) { MemberName = "Source" });
        Assert.Equal(valid, result == ValidationResult.Success);
        if (!valid)
        {
            Assert.Equal(DatacenterName.Problem("Replicator:Source"), result!.ErrorMessage);
        }
    }

    [Theory]
    [InlineData("dc-a.updates", "dc-a")]
    [InlineData("updates", null)]
    [InlineData(".updates", null)]
    [InlineData("DC-A.updates", null)]
    [InlineData("a.b.updates", null)]
    public void A_remote_topic_is_a_datacenter_name_and_the_local_topic(string topic, string? origin) =>
        Assert.Equal(origin, TopicNames.RemoteOrigin(topic, "updates"));
}
