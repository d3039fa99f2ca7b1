using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sidecar.Testing;
using Xunit.Abstractions;

namespace Sidecar.Stack.Tests;

/// <summary>
/// The main job as ./run.sh starts it: real Consul agents (WAN-joined), librdkafka's mock cluster
/// as each datacenter's Kafka (in its own process), nodes, proxies, replicators and the dashboard,
/// all as processes on loopback.
/// </summary>
public sealed partial class StackTests(StackFixture fixture, ITestOutputHelper output) : IClassFixture<StackFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private StackProcess Stack => fixture.Stack;

    [Fact]
    public async Task A_write_through_dc_a_proxy_is_readable_through_dc_b_proxy()
    {
        var user = "stack-" + Guid.NewGuid().ToString("n")[..8];
        var body = """{"ops":[{"op":"push","list":"recent","item":"hotel-7","max":20},{"op":"set","field":"city","value":"Kyoto"},{"op":"incr","counter":"searches","by":2}]}""";
        using var write = await Http.PostAsync($"{Stack.ProxyA}/v1/users/{user}/updates?wait=applied", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(write.IsSuccessStatusCode, $"write through dc-a's proxy: {(int)write.StatusCode} {await write.Content.ReadAsStringAsync()}");

        // Replicated to dc-b's Kafka, applied by dc-b's node the dc-b proxy routes the user to.
        JsonElement? read = null;
        await Wait.UntilAsync(Stack.Process, "the write in dc-b", async () =>
        {
            using var response = await Http.GetAsync($"{Stack.ProxyB}/v1/users/{user}");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            read = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, TimeSpan.FromSeconds(60));
        var doc = read!.Value;
        Assert.Equal("hotel-7", doc.GetProperty("lists").GetProperty("recent")[0].GetString());
        Assert.Equal("Kyoto", doc.GetProperty("fields").GetProperty("city").GetString());
        Assert.Equal(2, doc.GetProperty("counters").GetProperty("searches").GetInt64());

        // And it was served by a dc-b node: the dc-b proxy routes this user inside dc-b.
        var route = await Http.GetFromJsonAsync<JsonElement>($"{Stack.ProxyB}/proxy/route/{user}");
        Assert.Equal("dc-b", route.GetProperty("datacenter").GetString());
    }

    [Fact]
    public async Task A_write_to_the_segments_dataset_through_dc_a_is_readable_through_dc_b_and_only_there()
    {
        var user = "segment-" + Guid.NewGuid().ToString("n")[..8];
        var body = """{"ops":[{"op":"set","field":"segment","value":"planner"},{"op":"incr","counter":"moves","by":3}]}""";
        using var write = await Http.PostAsync($"{Stack.ProxyA}/v1/datasets/segments/users/{user}/updates?wait=applied", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(write.IsSuccessStatusCode, $"write through dc-a's proxy: {(int)write.StatusCode} {await write.Content.ReadAsStringAsync()}");
        Assert.Equal("segments", (await write.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("topic").GetString());

        // Mirrored by the replicator (it mirrors every dataset's topic), applied by dc-b's node to the same dataset.
        JsonElement? read = null;
        await Wait.UntilAsync(Stack.Process, "the segment in dc-b", async () =>
        {
            using var response = await Http.GetAsync($"{Stack.ProxyB}/v1/datasets/segments/users/{user}");
            read = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
            return read is not null;
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("planner", read!.Value.GetProperty("fields").GetProperty("segment").GetString());
        Assert.Equal(3, read.Value.GetProperty("counters").GetProperty("moves").GetInt64());
        using var inDefault = await Http.GetAsync($"{Stack.ProxyB}/v1/users/{user}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, inDefault.StatusCode);

        // segments groups its keys by its topic's 8 partitions, on every node (each holds every
        // user: here the first of each datacenter); the default dataset stays flat.
        foreach (var node in new[] { Stack.Url(11), Stack.Url(21) })
        {
            Assert.Equal("murmur2/8", (await Http.GetFromJsonAsync<JsonElement>($"{node}/admin/digest?dataset=segments")).GetProperty("layout").GetString());
            Assert.Equal("flat", (await Http.GetFromJsonAsync<JsonElement>($"{node}/admin/digest")).GetProperty("layout").GetString());
            // The user's partition holds it (this node may apply the write a moment after the one that answered).
            var partition = Sidecar.Common.Kafka.KafkaPartitioner.Partition(user, 8);
            await Wait.UntilAsync(Stack.Process, $"the segment in partition {partition} on {node}", async () =>
                (await Http.GetStringAsync($"{node}/v1/datasets/segments/users/{user}").ContinueWith(t => t.IsCompletedSuccessfully)) &&
                (await Http.GetFromJsonAsync<JsonElement>($"{node}/admin/digest?dataset=segments&partition={partition}")).GetProperty("users").GetInt64() >= 1,
                TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Status_shows_both_datacenters_their_nodes_replication_and_a_users_route()
    {
        var route = await Http.GetFromJsonAsync<JsonElement>($"{Stack.ProxyA}/proxy/route/user-00042");
        var expectedNode = route.GetProperty("node").GetString()!;
        var (exit, text) = await SidecarCtl.RunAsync(StatusArgs("--user", "user-00042"));
        output.WriteLine(text);
        Assert.True(exit == 0, $"status exited {exit}:\n{text}");
        foreach (var expected in new[] { "dc-a", "dc-b", "a1", "a2", "b1", "b2", "dc-a -> dc-b", "dc-b -> dc-a", "Route of user user-00042", Stack.ProxyA, Stack.ProxyB })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        Assert.Matches($@"{Stack.ProxyA}\s*│\s*{expectedNode}\s*│\s*dc-a", text);

        // The same facts as JSON: both datacenters, every node passing on the committed version.
        var (jsonExit, json) = await SidecarCtl.RunAsync(StatusArgs("--json", "--interval", "0"));
        Assert.True(jsonExit == 0, json);
        var facts = JsonDocument.Parse(json.Split('\n').First(l => l.StartsWith('{'))).RootElement;
        var datacenters = facts.GetProperty("datacenters").EnumerateArray().ToList();
        Assert.Equal(["dc-a", "dc-b"], datacenters.Select(d => d.GetProperty("name").GetString()));
        foreach (var dc in datacenters)
        {
            var nodes = dc.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(2, nodes.Count);
            Assert.All(nodes, n => Assert.Equal("passing", n.GetProperty("health").GetString()));
            Assert.All(nodes, n => Assert.Equal(dc.GetProperty("committed").GetString(), n.GetProperty("version").GetString()));
            // Every node registers every dataset it serves, with its live version.
            Assert.All(nodes, n => Assert.Equal(["default", "recent", "segments"], n.GetProperty("datasets").EnumerateObject().Select(d => d.Name)));
        }

        Assert.Equal(["dc-a", "dc-b"], facts.GetProperty("replicators").EnumerateArray().Select(r => r.GetProperty("source").GetString()).Order());
        Assert.All(facts.GetProperty("replicators").EnumerateArray(), r => Assert.True(r.GetProperty("up").GetBoolean()));
        Assert.Equal("default", facts.GetProperty("dataset").GetString());

        // The segments dataset's versions: every node serves it, on its initial version (no round yet).
        var (segmentsExit, segmentsJson) = await SidecarCtl.RunAsync(StatusArgs("--json", "--interval", "0", "--dataset", "segments"));
        Assert.True(segmentsExit == 0, segmentsJson);
        var segments = JsonDocument.Parse(segmentsJson.Split('\n').First(l => l.StartsWith('{'))).RootElement;
        Assert.Equal("segments", segments.GetProperty("dataset").GetString());
        var segmentNodes = segments.GetProperty("datacenters").EnumerateArray().SelectMany(d => d.GetProperty("nodes").EnumerateArray()).ToList();
        Assert.Equal(4, segmentNodes.Count);
        Assert.All(segmentNodes, n => Assert.Equal("initial", n.GetProperty("version").GetString()));
        var (unknownExit, unknown) = await SidecarCtl.RunAsync(StatusArgs("--json", "--interval", "0", "--dataset", "nope"));
        Assert.True(unknownExit == 1, $"a dataset no node serves: exit {unknownExit}\n{unknown}");
    }

    [Fact]
    public async Task Status_exits_1_and_says_so_when_a_replicator_cannot_be_reached()
    {
        var nobody = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var (exit, text) = await SidecarCtl.RunAsync("status", "--consul", Stack.ConsulA, "--interval", "0", "--replicator", nobody);
        Assert.Equal(1, exit);
        Assert.Contains("down", text, StringComparison.Ordinal);
        Assert.Contains(nobody, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_in_headless_chromium_shows_both_datacenters_and_a_users_route()
    {
        var user = "user-00042";
        var expected = (await Http.GetFromJsonAsync<JsonElement>($"{Stack.ProxyA}/proxy/route/{user}")).GetProperty("node").GetString()!;
        var expectedB = (await Http.GetFromJsonAsync<JsonElement>($"{Stack.ProxyB}/proxy/route/{user}")).GetProperty("node").GetString()!;
        // Some traffic, so that the charts have lines to draw.
        for (var i = 0; i < 40; i++)
        {
            using var _ = await Http.GetAsync($"{(i % 2 == 0 ? Stack.ProxyA : Stack.ProxyB)}/v1/users/{user}");
        }

        // The dashboard reads the cluster once a second: wait until it has seen every node.
        await Wait.UntilAsync(Stack.Process, "the dashboard's first full read", async () =>
        {
            var state = await Http.GetFromJsonAsync<JsonElement>($"{Stack.Dashboard}/api/facts");
            return state.GetProperty("facts").ValueKind == JsonValueKind.Object
                && state.GetProperty("facts").GetProperty("datacenters").EnumerateArray().Sum(d => d.GetProperty("nodes").GetArrayLength()) == 4;
        }, TimeSpan.FromSeconds(30));

        var page = $"{Stack.Dashboard}/?user={user}";
        var dom = await HeadlessChromium.DumpDomAsync(page);
        Assert.Contains("data-dc=\"dc-a\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-dc=\"dc-b\"", dom, StringComparison.Ordinal);
        Assert.Contains($"data-user=\"{user}\"", dom, StringComparison.Ordinal);
        Assert.Contains($"<b>{expected}</b>", dom, StringComparison.Ordinal);
        Assert.Contains($"<b>{expectedB}</b>", dom, StringComparison.Ordinal);
        Assert.Contains("all healthy", dom, StringComparison.Ordinal);
        // Every dataset of every node, not only the one the dashboard follows.
        // (The browser's DOM has the tbody the parser inserts.)
        Assert.Contains("<table class=\"datasets\"><tbody><tr><th>node</th><th>default</th><th>recent</th><th>segments</th></tr>", dom, StringComparison.Ordinal);

        var results = Environment.GetEnvironmentVariable("SIDECAR_TEST_RESULTS") is { Length: > 0 } dir ? dir : Path.Combine(Repo.Root, ".test-results");
        Directory.CreateDirectory(results);
        var screenshot = Path.Combine(results, "dashboard.png");
        File.Delete(screenshot);
        await HeadlessChromium.ScreenshotAsync(page, screenshot);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 20_000, $"a {png.Length}-byte screenshot is too small to show the page");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        output.WriteLine($"dashboard screenshot: {screenshot}");
        Console.WriteLine($"dashboard screenshot: {screenshot}");
    }

    private string[] StatusArgs(params string[] extra) =>
        ["status", "--consul", Stack.ConsulA, "--proxy", Stack.ProxyA, "--proxy", Stack.ProxyB,
            "--replicator", Stack.Replicators[0], "--replicator", Stack.Replicators[1], .. extra];
}
