using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Sidecar.Compose.Tests;

/// <summary>
/// The compose deployment as a user brings it up: docker-compose with compose/offline.yml (the
/// locally built images; Kafka there is librdkafka's mock cluster, Consul the real agent), two
/// datacenters, an update written through dc-a's proxy and read back through dc-b's proxy after
/// the replicator carried it over. Needs a Docker engine, docker-compose, and the images built by
/// compose/images/build.sh (./test.sh does all three before the suites).
/// </summary>
public sealed class OfflineDeploymentTests
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan ReplicatedTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;

    public OfflineDeploymentTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Update_written_through_dc_a_proxy_is_read_through_dc_b_proxy()
    {
        var project = new ComposeProject();
        var clock = Stopwatch.StartNew();
        try
        {
            await project.UpAsync(UpTimeout);
            _output.WriteLine($"{project.Name}: up -d returned after {clock.Elapsed.TotalSeconds:F0} s");
            await WaitHealthyAsync(project);
            _output.WriteLine($"every container healthy after {clock.Elapsed.TotalSeconds:F0} s");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            var proxyA = await project.UrlAsync("proxy-a", CommandTimeout);
            var proxyB = await project.UrlAsync("proxy-b", CommandTimeout);
            var user = "compose-" + Guid.NewGuid().ToString("N")[..8];
            var city = "city-" + Guid.NewGuid().ToString("N")[..8];

            // wait=applied: 200 only once the dc-a node that took it has applied it.
            using var write = await http.PostAsJsonAsync(new Uri(proxyA, $"v1/users/{user}/updates?wait=applied"),
                new { ops = new object[] { new { op = "set", field = "city", value = city }, new { op = "incr", counter = "views", by = 3 } } });
            Assert.True(write.StatusCode == HttpStatusCode.OK, $"write through proxy-a: {(int)write.StatusCode} {await write.Content.ReadAsStringAsync()}");
            Assert.Equal("dc-a", Header(write, "X-Sidecar-Datacenter"));
            var written = clock.Elapsed;

            // dc-b's proxy serves the user from a dc-b node once replicator-ab has carried the update.
            var (read, datacenter) = await ReadUntilAsync(http, new Uri(proxyB, $"v1/users/{user}"), city);
            _output.WriteLine($"read through proxy-b from a {datacenter} node {(clock.Elapsed - written).TotalMilliseconds:F0} ms after the write: {read}");
            Assert.Equal("dc-b", datacenter);
            using var doc = JsonDocument.Parse(read);
            Assert.Equal(city, doc.RootElement.GetProperty("fields").GetProperty("city").GetString());
            Assert.Equal(3, doc.RootElement.GetProperty("counters").GetProperty("views").GetInt64());

            // Prometheus scrapes all eight sidecar processes as the alert rules' jobs, and loaded those rules.
            var prometheus = await project.UrlAsync("prometheus", CommandTimeout, port: 9090);
            var up = await ScrapedUpAsync(http, prometheus);
            Assert.Equal(["proxy-a:8080", "proxy-b:8080", "node-a1:8080", "node-a2:8080", "node-b1:8080", "node-b2:8080", "replicator-ab:8080", "replicator-ba:8080"], up);
            var rules = JsonDocument.Parse(await http.GetStringAsync(new Uri(prometheus, "api/v1/rules"))).RootElement.GetProperty("data").GetProperty("groups")
                .EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).Count();
            Assert.Equal(11, rules);
        }
        catch
        {
            await WriteLogsAsync(project);
            throw;
        }
        finally
        {
            var down = Stopwatch.StartNew();
            await project.DownAsync(UpTimeout);
            _output.WriteLine($"down -v took {down.Elapsed.TotalSeconds:F0} s; whole run {clock.Elapsed.TotalSeconds:F0} s");
        }
    }

    /// <summary>The instances of the sidecar jobs Prometheus scrapes with success, once all eight are (proxies, nodes, replicators).</summary>
    private static async Task<List<string>> ScrapedUpAsync(HttpClient http, Uri prometheus)
    {
        var query = Uri.EscapeDataString("""up{job=~"sidecar-(node|proxy|replicator)"} == 1""");
        var deadline = Stopwatch.StartNew();
        List<string> up = [];
        while (deadline.Elapsed < ReplicatedTimeout)
        {
            var result = JsonDocument.Parse(await http.GetStringAsync(new Uri(prometheus, $"api/v1/query?query={query}"))).RootElement.GetProperty("data").GetProperty("result");
            up = [.. result.EnumerateArray().Select(r => r.GetProperty("metric")).OrderBy(m => m.GetProperty("job").GetString() switch { "sidecar-proxy" => 0, "sidecar-node" => 1, _ => 2 })
                .ThenBy(m => m.GetProperty("instance").GetString()).Select(m => m.GetProperty("instance").GetString()!)];
            if (up.Count == 8)
            {
                break;
            }

            await Task.Delay(1000);
        }

        return up;
    }

    private async Task WaitHealthyAsync(ComposeProject project)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<ContainerState> containers = [];
        while (deadline.Elapsed < HealthyTimeout)
        {
            containers = await project.ContainersAsync(CommandTimeout);
            var failed = containers.Where(c => c.HasFailed).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException("failed: " + string.Join(", ", failed));
            }

            // 15 services: 13 long-running, healthy (Prometheus among them); 2 one-shot topic steps, exited with 0.
            if (containers.Count == 15 && containers.All(c => c.IsUp))
            {
                return;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException($"not every container healthy within {HealthyTimeout}: {string.Join(", ", containers)}");
    }

    private static async Task<(string Body, string? Datacenter)> ReadUntilAsync(HttpClient http, Uri url, string city)
    {
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < ReplicatedTimeout)
        {
            using var response = await http.GetAsync(url);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == HttpStatusCode.OK && last.Contains(city, StringComparison.Ordinal))
            {
                return (await response.Content.ReadAsStringAsync(), Header(response, "X-Sidecar-Datacenter"));
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the update did not reach dc-b within {ReplicatedTimeout}; last read through proxy-b: {last}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private async Task WriteLogsAsync(ComposeProject project)
    {
        try
        {
            _output.WriteLine(await project.LogsAsync(CommandTimeout));
        }
        catch (Exception e)
        {
            _output.WriteLine($"no logs: {e.Message}");
        }
    }
}
