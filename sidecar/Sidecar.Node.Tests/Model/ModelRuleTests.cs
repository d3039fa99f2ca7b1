using Sidecar.Store.Model;

namespace Sidecar.Node.Tests.Model;

/// <summary>The data model's rules for user ids and names, with the limits at their edges.</summary>
public sealed class ModelRuleTests
{
    private static readonly ModelLimits Small = new() { MaxUserIdBytes = 4, MaxNameLength = 3 };

    [Theory]
    [InlineData("u", null)]
    [InlineData("abcd", null)] // exactly the limit
    [InlineData("aé", null)] // 3 bytes
    [InlineData("", "user id is empty")]
    [InlineData("abcde", "user id is longer than 4 bytes")]
    [InlineData("aéé", "user id is longer than 4 bytes")] // 3 characters, 5 bytes: bytes count
    [InlineData("a\tb", "user id contains control characters")]
    [InlineData("a b/", null)] // anything printable: ids come from the service, not from us
    public void A_user_id_is_1_to_the_limit_of_UTF8_bytes_without_control_characters(string userId, string? reason) =>
        Assert.Equal(reason, UserIdRule.Check(userId, Small));

    [Theory]
    [InlineData("a", null)]
    [InlineData("A_.", null)]
    [InlineData("9-z", null)]
    [InlineData("", "field name must be 1 to 3 characters")]
    [InlineData("abcd", "field name must be 1 to 3 characters")]
    [InlineData("a b", "field name 'a b' may contain only letters, digits, '_', '-' and '.'")]
    [InlineData("é", "field name 'é' may contain only letters, digits, '_', '-' and '.'")]
    [InlineData("a/b", "field name 'a/b' may contain only letters, digits, '_', '-' and '.'")]
    public void A_name_is_1_to_the_limit_of_characters_of_ascii_letters_digits_underscore_dash_and_dot(string name, string? reason) =>
        Assert.Equal(reason, NameRule.Check("field", name, Small));

    [Fact]
    public void The_kind_of_name_starts_the_reason() =>
        Assert.Equal("counter name must be 1 to 3 characters", NameRule.Check("counter", "", Small));

    [Fact]
    public void The_default_limits_are_the_nodes_defaults_and_each_bad_limit_is_a_problem()
    {
        Assert.Equal(128, ModelLimits.Default.MaxUserIdBytes);
        Assert.Equal(128, ModelLimits.Default.MaxNameLength);
        Assert.Empty(ModelLimits.Default.Problems());
        Assert.Empty(new ModelLimits { MaxUserIdBytes = ModelLimits.Most, MaxNameLength = 1 }.Problems());
        Assert.Equal(
            ["the user id limit must be 1 to 1024 bytes, not 0", "the name limit must be 1 to 1024 characters, not 1025"],
            new ModelLimits { MaxUserIdBytes = 0, MaxNameLength = 1025 }.Problems());
    }
}
