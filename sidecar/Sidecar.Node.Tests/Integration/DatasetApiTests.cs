using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// The dataset form of the user paths (<c>/v1/datasets/{dataset}/users/{id}</c>) against a real
/// node on embedded defaults: <c>default</c> is the dataset <c>/v1/users/{id}</c> has always
/// served, and a dataset the node does not serve is a 404 problem+json that produces nothing.
/// </summary>
public sealed class DatasetApiTests : IClassFixture<EmbeddedNodeFixture>
{
    private readonly NodeProcess _node;

    public DatasetApiTests(EmbeddedNodeFixture fixture) => _node = fixture.Node;

    [Fact]
    public async Task The_default_dataset_is_the_same_data_in_both_forms()
    {
        // Written through the dataset form, read through both.
        var written = await _node.Http.PostAsync("/v1/datasets/default/users/ds-1/updates?wait=applied",
            Json("""{"ops":[{"op":"set","field":"city","value":"Pune"},{"op":"incr","counter":"views","by":2}]}"""));
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal("updates", (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("topic").GetString());

        var plain = await _node.Http.GetStringAsync("/v1/users/ds-1");
        var named = await _node.Http.GetStringAsync("/v1/datasets/default/users/ds-1");
        Assert.Equal(plain, named);
        Assert.Equal(2, JsonDocument.Parse(named).RootElement.GetProperty("counters").GetProperty("views").GetInt64());
        var field = await _node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/default/users/ds-1/fields/city");
        Assert.Equal("Pune", field.GetProperty("value").GetString());

        // Written through the plain form, seen in the dataset form; deleted through the dataset form.
        await _node.Http.PostAsync("/v1/users/ds-1/updates?wait=applied", Json("""{"ops":[{"op":"incr","counter":"views","by":3}]}"""));
        var after = await _node.Http.GetFromJsonAsync<JsonElement>("/v1/datasets/default/users/ds-1");
        Assert.Equal(5, after.GetProperty("counters").GetProperty("views").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.DeleteAsync("/v1/datasets/default/users/ds-1?wait=applied")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/v1/users/ds-1")).StatusCode);
    }

    [Theory]
    [InlineData("segments")]
    [InlineData("Bad_Name")]
    public async Task A_dataset_the_node_does_not_serve_is_404_problem_json_and_produces_nothing(string dataset)
    {
        var userId = "ds-2-" + dataset.ToLowerInvariant();
        await _node.Http.PostAsync($"/v1/users/{userId}/updates?wait=applied", Json("""{"ops":[{"op":"incr","counter":"n"}]}"""));
        var produced = await ProducedAsync();

        foreach (var response in new[]
        {
            await _node.Http.GetAsync($"/v1/datasets/{dataset}/users/{userId}"),
            await _node.Http.GetAsync($"/v1/datasets/{dataset}/users/{userId}/fields/n"),
            await _node.Http.PostAsync($"/v1/datasets/{dataset}/users/{userId}/updates?wait=applied", Json("""{"ops":[{"op":"incr","counter":"n"}]}""")),
            await _node.Http.DeleteAsync($"/v1/datasets/{dataset}/users/{userId}?wait=applied"),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Unknown dataset", problem.GetProperty("title").GetString());
            Assert.Contains($"'{dataset}'", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(produced, await ProducedAsync());
        var user = await _node.Http.GetFromJsonAsync<JsonElement>($"/v1/users/{userId}");
        Assert.Equal(1, user.GetProperty("counters").GetProperty("n").GetInt64());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<long> ProducedAsync() =>
        (long)await PrometheusText.SumAsync(_node.Http, NodeMetricNames.UpdatesProduced.Exported);
}
