using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;
using Sidecar.Testing;

namespace Sidecar.Proxy.Tests.Integration;

/// <summary>Two proxy processes with the same membership send every user to the same node, and say so in headers.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoutingTests(Cluster cluster)
{
    [Fact]
    public async Task Two_proxies_agree_on_every_users_node_for_10000_users()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "agree.json");
        cluster.WriteMembership(file);
        await using var first = await Proxies.StartAsync(file);
        await using var second = await Proxies.StartAsync(file);

        var users = Proxies.Users(10_000);
        var a = await Proxies.RoutesAsync(first, users);
        var b = await Proxies.RoutesAsync(second, users);
        var disagree = users.Where(u => a[u] != b[u]).ToList();

        // Same membership and health, same node. On a very busy machine a node can miss health
        // checks in one proxy for a moment (its users then go to their next node there): such
        // users are asked again; a hash that differed between processes would never agree.
        foreach (var user in disagree)
        {
            await Wait.UntilAsync(first.Process, $"agreement on {user} ({a[user]} vs {b[user]})",
                async () => (a[user] = await first.NodeOfAsync(user)) == (b[user] = await second.NodeOfAsync(user)), TimeSpan.FromSeconds(10));
        }

        Assert.True(disagree.Count < users.Count / 20, $"{disagree.Count} users routed differently at first, e.g. {string.Join(", ", disagree.Take(5))}");

        // Every user stays in the local datacenter, spread evenly over its three nodes.
        var perNode = a.Values.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["a1", "a2", "a3"], perNode.Keys.Order());
        Assert.All(perNode.Values, count => Assert.InRange(count, 3000, 3700));

        // The answer of a real request names the node the route says.
        foreach (var user in users.Take(30))
        {
            foreach (var proxy in new[] { first, second })
            {
                using var response = await proxy.Http.GetAsync($"/v1/users/{user}");
                Assert.Equal(a[user], Assert.Single(response.Headers.GetValues("X-Sidecar-Node")));
                Assert.Equal("dc-a", Assert.Single(response.Headers.GetValues("X-Sidecar-Datacenter")));

                // The dataset form goes to the same node, whether the node serves that dataset or
                // answers 404 for it: the proxy routes by user, the node judges the dataset.
                using var named = await proxy.Http.GetAsync($"/v1/datasets/default/users/{user}");
                Assert.Equal(a[user], Assert.Single(named.Headers.GetValues("X-Sidecar-Node")));
                using var unknown = await proxy.Http.GetAsync($"/v1/datasets/no-such-dataset/users/{user}");
                Assert.Equal(a[user], Assert.Single(unknown.Headers.GetValues("X-Sidecar-Node")));
                Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
            }
        }

        // The platform meters, as on the node: the proxy's request rate and latency (30 user GETs
        // through `first` above, times three forms, besides its route lookups), its CPU and its memory.
        Assert.True(await PrometheusText.SumAsync(first.Http, PlatformMetricNames.HttpServerRequestDuration.Exported + "_count") >= 30);
        Assert.True(await PrometheusText.SumAsync(first.Http, PlatformMetricNames.ProcessCpuTime.Exported) > 0);
        Assert.True(await PrometheusText.SumAsync(first.Http, PlatformMetricNames.ProcessWorkingSet.Exported) > 0);

        // The user header routes like the path does.
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, "/admin/status");
        byHeader.Headers.Add("X-User-Id", "user-7");
        using var answer = await first.Http.SendAsync(byHeader);
        Assert.Equal(a["user-7"], Assert.Single(answer.Headers.GetValues("X-Sidecar-Node")));

        // No user id at all: refused, not guessed.
        using var none = await first.Http.GetAsync("/admin/status");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        // SIGTERM: a clean exit.
        Assert.Equal(0, await second.Process.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_node_listed_at_its_h2c_listener_is_sent_http2_and_the_others_http11()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "protocols.json");
        cluster.WriteMembership(file);
        await using var proxy = await Proxies.StartAsync(file);
        const string label = "http_route=\"/v1/users/{userId}\",network_protocol_version=";
        async Task<(double Http11, double Http2)> ServedAsync(string node) =>
            (await PrometheusText.SumAsync(cluster.Node(node).Http, "http_server_request_duration_seconds_count", label + "\"1.1\""),
             await PrometheusText.SumAsync(cluster.Node(node).Http, "http_server_request_duration_seconds_count", label + "\"2\""));
        var before = new Dictionary<string, (double Http11, double Http2)>();
        foreach (var node in new[] { "a1", "a2" })
        {
            before[node] = await ServedAsync(node);
        }

        var served = new Dictionary<string, int> { ["a1"] = 0, ["a2"] = 0, ["a3"] = 0 };
        foreach (var user in Proxies.Users(60, "protocol"))
        {
            using var response = await proxy.Http.GetAsync($"/v1/users/{user}");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode); // the node's own answer: nobody wrote these users
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            served[Assert.Single(response.Headers.GetValues("X-Sidecar-Node"))]++;
        }

        // a1 is listed as h2c://: every request it served came over HTTP/2; a2 is listed as http://.
        var a1 = await ServedAsync("a1");
        var a2 = await ServedAsync("a2");
        Assert.True(served["a1"] > 0 && served["a2"] > 0, $"served: {string.Join(", ", served)}");
        Assert.Equal(served["a1"], a1.Http2 - before["a1"].Http2);
        Assert.Equal(0, a1.Http11 - before["a1"].Http11);
        Assert.Equal(served["a2"], a2.Http11 - before["a2"].Http11);
        Assert.Equal(0, a2.Http2 - before["a2"].Http2);

        // Operators see the protocol in the route explanation.
        var addresses = await Proxies.LocalAddressesAsync(proxy);
        Assert.Equal($"h2c://127.0.0.1:{cluster.H2cPort("a1")}", addresses["a1"]);
        Assert.Equal(cluster.Url("a2"), addresses["a2"]);
    }

    [Fact]
    public async Task Invalid_options_stop_the_proxy_with_every_problem_listed()
    {
        await using var process = await InvalidStart.RunAsync("proxy-invalid", Repo.Program("proxy/Sidecar.Proxy", "Sidecar.Proxy"),
            "--Proxy:Datacenter", "dc-z", "--Proxy:Datacenters:0", "dc-a", "--Proxy:Retry:MaxRetries", "99");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("must include the local datacenter 'dc-z'", process.Output);
        Assert.Contains("No membership", process.Output);
        Assert.Contains("MaxRetries", process.Output);
    }
}
