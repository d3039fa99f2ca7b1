using Sidecar.Common.Contracts;

namespace Sidecar.Common.Tests.Contracts;

public sealed class UserPathsTests
{
    [Theory]
    [InlineData("/v1/users/u-1", "u-1")]
    [InlineData("/v1/users/u-1/updates", "u-1")]
    [InlineData("/v1/users/u-1/fields/city", "u-1")]
    [InlineData("/v1/datasets/recent/users/u-1", "u-1")]
    [InlineData("/v1/datasets/recent/users/u-1/fields/city", "u-1")]
    [InlineData("/v1/datasets/default/users/u%201/updates", "u%201")]
    [InlineData("/v1/datasets/Unknown_One/users/u-1", "u-1")] // the proxy routes by user; the node judges the dataset
    public void The_user_id_is_found_in_both_forms(string path, string id) =>
        Assert.Equal(id, UserPaths.UserId(path).ToString());

    [Theory]
    [InlineData("/v1/users/")]
    [InlineData("/v1/users")]
    [InlineData("/v1/datasets/recent/users/")]
    [InlineData("/v1/datasets//users/u-1")]
    [InlineData("/v1/datasets/recent/usersx/u-1")]
    [InlineData("/v1/datasets/recent")]
    [InlineData("/v1/datasets/recent/")]
    [InlineData("/admin/status")]
    [InlineData("/v2/users/u-1")]
    [InlineData("")]
    public void Anything_else_has_no_user_id(string path) =>
        Assert.True(UserPaths.UserId(path).IsEmpty);

    [Fact]
    public void The_route_patterns_are_the_two_forms() =>
        Assert.Equal(
            ["/v1/users/{userId}", "/v1/datasets/{dataset}/users/{userId}"],
            [UserPaths.User, UserPaths.DatasetUser]);
}
