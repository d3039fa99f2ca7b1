using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// The HTTP contract against a real node process on its embedded defaults (in-process mock
/// Kafka, RocksDB in a temp dir, Kestrel on loopback): what <c>dotnet run</c> gives.
/// </summary>
public sealed class NodeApiTests : IClassFixture<EmbeddedNodeFixture>
{
    private readonly NodeProcess _node;

    public NodeApiTests(EmbeddedNodeFixture fixture) => _node = fixture.Node;

    [Fact]
    public async Task Write_with_wait_applied_is_read_back_immediately()
    {
        var response = await Post("u-1", """{"ops":[{"op":"set","field":"city","value":"Goa"},{"op":"push","list":"recent","item":"hotel-42","max":20},{"op":"incr","counter":"views","by":1},{"op":"del","field":"tmp"}]}""", wait: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(receipt.GetProperty("applied").GetBoolean());
        Assert.True(receipt.GetProperty("offset").GetInt64() >= 0);

        var user = await _node.Http.GetFromJsonAsync<JsonElement>("/v1/users/u-1");
        Assert.Equal("u-1", user.GetProperty("userId").GetString());
        Assert.Equal("Goa", user.GetProperty("fields").GetProperty("city").GetString());
        Assert.Equal(["hotel-42"], user.GetProperty("lists").GetProperty("recent").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, user.GetProperty("counters").GetProperty("views").GetInt64());
        Assert.Equal("initial", user.GetProperty("version").GetString());

        var field = await _node.Http.GetFromJsonAsync<JsonElement>("/v1/users/u-1/fields/city");
        Assert.Equal("Goa", field.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Without_wait_the_write_is_accepted_with_its_position_and_applied_soon()
    {
        var response = await Post("u-2", """{"ops":[{"op":"incr","counter":"n","by":5}]}""", wait: false);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("updates", receipt.GetProperty("topic").GetString());
        await _node.WaitAsync("u-2 applied", async () => (await _node.Http.GetAsync("/v1/users/u-2")).IsSuccessStatusCode, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Delete_user_makes_it_unknown_and_later_writes_bring_it_back()
    {
        await Post("u-3", """{"ops":[{"op":"set","field":"a","value":1},{"op":"incr","counter":"n","by":3}]}""", wait: true);
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.DeleteAsync("/v1/users/u-3?wait=applied")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/v1/users/u-3")).StatusCode);

        await Post("u-3", """{"ops":[{"op":"incr","counter":"n","by":2}]}""", wait: true);
        var user = await _node.Http.GetFromJsonAsync<JsonElement>("/v1/users/u-3");
        Assert.Equal(2, user.GetProperty("counters").GetProperty("n").GetInt64());
        Assert.False(user.GetProperty("fields").TryGetProperty("a", out _));
    }

    [Theory]
    [InlineData("""{"ops":[{"op":"set","field":"a","value":1}""", "not valid JSON")]
    [InlineData("""{"ops":[{"op":"explode"}]}""", "unknown op")]
    [InlineData("""{"ops":[]}""", "1 to")]
    [InlineData("""{"opz":[]}""", "\"ops\" array")]
    [InlineData("""{"ops":[{"op":"set","field":"ok","value":1},{"op":"set","field":"bad name!","value":1}]}""", "field name")]
    [InlineData("""{"ops":[{"op":"push","list":"l","item":"x","max":100000}]}""", "list max")]
    [InlineData("""{"ops":[{"op":"incr","counter":"c","by":"one"}]}""", "integer")]
    public async Task Bad_requests_get_400_problem_json_and_change_nothing(string body, string detail)
    {
        var produced = await ProducedAsync();
        var response = await Post("bad-user", body, wait: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblem(response, detail);
        await AssertNothingProducedSince(produced);
    }

    [Fact]
    public async Task Oversize_body_gets_413_problem_json()
    {
        var big = $$"""{"ops":[{"op":"set","field":"a","value":"{{new string('x', 70_000)}}"}]}""";
        var produced = await ProducedAsync();
        var response = await Post("bad-user", big, wait: false);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblem(response, "larger than");
        await AssertNothingProducedSince(produced);
    }

    [Fact]
    public async Task Oversize_user_id_gets_400()
    {
        var response = await Post(new string('u', 200), """{"ops":[{"op":"incr","counter":"c"}]}""", wait: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblem(response, "user id");
    }

    [Fact]
    public async Task Unknown_user_is_404_problem_json()
    {
        var response = await _node.Http.GetAsync("/v1/users/nobody");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblem(response, "nobody");
    }

    [Fact]
    public async Task Metrics_and_health_are_served()
    {
        await Post("u-4", """{"ops":[{"op":"incr","counter":"c"}]}""", wait: true);
        await _node.Http.GetAsync("/v1/users/u-4");
        var metrics = await _node.Http.GetStringAsync("/metrics");
        Assert.Contains("sidecar_updates_applied", metrics);
        Assert.Contains("sidecar_ingest_lag", metrics);
        Assert.Contains("sidecar_updates_dead_letters", metrics);
        Assert.Contains("http_server_request_duration_seconds_bucket", metrics);
        Assert.Equal("Healthy", await _node.Http.GetStringAsync("/health/live"));
    }

    private Task<HttpResponseMessage> Post(string user, string body, bool wait) =>
        _node.Http.PostAsync($"/v1/users/{Uri.EscapeDataString(user)}/updates{(wait ? "?wait=applied" : "")}", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task AssertProblem(HttpResponseMessage response, string detail)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    private async Task AssertNothingProducedSince(long before)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/v1/users/bad-user")).StatusCode);
        Assert.Equal(before, await ProducedAsync());
    }

    private async Task<long> ProducedAsync()
    {
        var metrics = await _node.Http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("sidecar_updates_produced_total", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>One node on embedded defaults, shared by the API tests.</summary>
public sealed class EmbeddedNodeFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    internal NodeProcess Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await NodeProcess.StartAsync(_dir.Sub("node"), bootstrap: null);
        await Node.WaitAsync("ready", async () => (await Node.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _dir.Dispose();
    }
}
