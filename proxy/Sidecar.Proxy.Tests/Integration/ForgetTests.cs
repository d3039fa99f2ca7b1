using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sidecar.Proxy.Tests.Integration;

/// <summary>
/// A privacy request through the proxy: <c>DELETE /v1/users/{id}?datasets=all&amp;wait=applied</c>
/// reaches the user's node, which deletes the user in every dataset it serves before answering.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ForgetTests(Cluster cluster)
{
    [Fact]
    public async Task Forgetting_a_user_through_the_proxy_deletes_it_in_every_dataset()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "forget.json");
        cluster.WriteMembership(file);
        await using var proxy = await Proxies.StartAsync(file);
        const string user = "forget-me";
        var node = await proxy.NodeOfAsync(user);

        foreach (var path in new[] { $"/v1/users/{user}", $"/v1/datasets/recent/users/{user}" })
        {
            using var written = await proxy.Http.PostAsync($"{path}/updates?wait=applied",
                new StringContent("""{"ops":[{"op":"set","field":"city","value":"Goa"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
            Assert.Equal(node, Assert.Single(written.Headers.GetValues("X-Sidecar-Node")));
            Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync(path)).StatusCode);
        }

        using var forgotten = await proxy.Http.DeleteAsync($"/v1/users/{user}?datasets=all&wait=applied");
        Assert.Equal(HttpStatusCode.OK, forgotten.StatusCode);
        Assert.Equal(node, Assert.Single(forgotten.Headers.GetValues("X-Sidecar-Node")));
        var receipts = (await forgotten.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("datasets");
        Assert.Equal(["default", "recent"], receipts.EnumerateObject().Select(p => p.Name));
        Assert.All(receipts.EnumerateObject(), p => Assert.True(p.Value.GetProperty("applied").GetBoolean()));

        foreach (var path in new[] { $"/v1/users/{user}", $"/v1/datasets/recent/users/{user}" })
        {
            using var read = await proxy.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
            Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        }
    }
}
