using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// Every request counts once: a retried request (same <c>Idempotency-Key</c>) and a record that
/// reaches the log twice (here an outside Kafka client, not the node's producer, writes the same
/// bytes again) leave a counter incremented once. A real node process on a Kafka mock process.
/// </summary>
public sealed class IdempotencyTests : IClassFixture<NodeOnKafkaFixture>
{
    private const string Incr = """{"ops":[{"op":"incr","counter":"views","by":1}]}""";

    private readonly NodeOnKafkaFixture _fixture;

    public IdempotencyTests(NodeOnKafkaFixture fixture) => _fixture = fixture;

    private NodeProcess Node => _fixture.Node;

    [Fact]
    public async Task Three_posts_with_one_key_count_once_and_the_repeats_answer_like_the_first_without_producing()
    {
        var first = await Post("idem-1", Incr, "key-1", wait: true);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var receipt = await first.Content.ReadFromJsonAsync<JsonElement>();
        var produced = await Node.MetricAsync("sidecar_updates_produced_total");

        foreach (var wait in new[] { true, false })
        {
            var again = await Post("idem-1", Incr, "key-1", wait);
            Assert.Equal(wait ? HttpStatusCode.OK : HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
            var repeat = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(receipt.GetProperty("offset").GetInt64(), repeat.GetProperty("offset").GetInt64());
            Assert.Equal(receipt.GetProperty("partition").GetInt32(), repeat.GetProperty("partition").GetInt32());
            Assert.Equal("updates", repeat.GetProperty("topic").GetString());
            Assert.True(repeat.GetProperty("applied").GetBoolean());
        }

        Assert.Equal(produced, await Node.MetricAsync("sidecar_updates_produced_total"));
        Assert.Equal(1, await ViewsAsync("idem-1"));
    }

    [Fact]
    public async Task Retries_sent_before_the_first_is_applied_are_produced_again_and_still_count_once()
    {
        // Without waiting, the repeats race the first record: some are produced as records of
        // their own (what a proxy's retry on another node does), and apply counts the request once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Post("idem-2", Incr, "key-2", wait: false)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var marker = await Post("idem-2", """{"ops":[{"op":"set","field":"done","value":true}]}""", null, wait: true);
        Assert.Equal(HttpStatusCode.OK, marker.StatusCode);
        Assert.Equal(1, await ViewsAsync("idem-2"));

        // The same key names another request for another user.
        Assert.Equal(HttpStatusCode.OK, (await Post("idem-2b", Incr, "key-2", wait: true)).StatusCode);
        Assert.Equal(1, await ViewsAsync("idem-2b"));
    }

    [Fact]
    public async Task The_same_record_produced_twice_by_an_outside_client_counts_once()
    {
        var first = await Post("idem-3", Incr, null, wait: true);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(string.IsNullOrEmpty(first.Headers.GetValues("Idempotency-Key").Single()));
        var receipt = await first.Content.ReadFromJsonAsync<JsonElement>();
        var (at, partition) = (receipt.GetProperty("offset").GetInt64(), receipt.GetProperty("partition").GetInt32());
        var record = _fixture.Kafka.ReadAll("updates", (int)_fixture.Kafka.RecordCount("updates"), TimeSpan.FromSeconds(10))
            .Single(r => r.Partition.Value == partition && r.Offset.Value == at);
        var duplicates = await Node.MetricAsync("sidecar_requests_duplicates_total");

        var copy = await _fixture.Kafka.ProduceRawAsync("updates", record.Message.Key, record.Message.Value, record.Partition);
        Assert.True(copy.Offset.Value > at);
        await Node.WaitAsync("the copy applied", async () => await Node.MetricAsync("sidecar_requests_duplicates_total") > duplicates, TimeSpan.FromSeconds(20));

        Assert.Equal(1, await ViewsAsync("idem-3"));
    }

    [Theory]
    [InlineData(256, "1 to 255")]
    [InlineData(0, "1 to 255")]
    [InlineData(-1, "control characters")]
    public async Task Bad_keys_get_400_problem_json_and_produce_nothing(int length, string detail)
    {
        var key = length switch
        {
            -1 => "key\twith-tab",
            _ => new string('k', length),
        };
        var produced = await Node.MetricAsync("sidecar_updates_produced_total");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/users/idem-bad/updates") { Content = new StringContent(Incr, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        var response = await Node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(produced, await Node.MetricAsync("sidecar_updates_produced_total"));
    }

    private async Task<long> ViewsAsync(string user)
    {
        var document = await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/users/{user}");
        return document.GetProperty("counters").GetProperty("views").GetInt64();
    }

    private async Task<HttpResponseMessage> Post(string user, string body, string? key, bool wait)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{user}/updates{(wait ? "?wait=applied" : "")}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await Node.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}

/// <summary>One node on a Kafka mock process that the tests' own client can also reach.</summary>
public sealed class NodeOnKafkaFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private KafkaMockProcess _mock = null!;

    internal NodeProcess Node { get; private set; } = null!;

    internal TestKafka Kafka { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _mock = await KafkaMockProcess.StartAsync("updates:2", "updates.dlq:2");
        Kafka = new TestKafka(_mock.BootstrapServers);
        Node = await NodeProcess.StartAsync(_dir.Sub("node"), _mock.BootstrapServers);
        await Node.WaitAsync("ready", async () => (await Node.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Kafka.Dispose();
        await _mock.DisposeAsync();
        _dir.Dispose();
    }
}
