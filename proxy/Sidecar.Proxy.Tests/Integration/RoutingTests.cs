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
            }
        }

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
    public async Task Invalid_options_stop_the_proxy_with_every_problem_listed()
    {
        await using var process = ChildProcess.StartDotnet("proxy-invalid", Repo.Program("proxy/Sidecar.Proxy", "Sidecar.Proxy"),
            ["--urls", $"http://127.0.0.1:{ChildProcess.FreePort()}", "--Proxy:Datacenter", "dc-z", "--Proxy:Datacenters:0", "dc-a", "--Proxy:Retry:MaxRetries", "99"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("must include the local datacenter 'dc-z'", process.Output);
        Assert.Contains("No membership", process.Output);
        Assert.Contains("MaxRetries", process.Output);
    }
}
