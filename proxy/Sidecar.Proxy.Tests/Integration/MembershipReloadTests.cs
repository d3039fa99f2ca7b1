using Sidecar.Testing;

namespace Sidecar.Proxy.Tests.Integration;

/// <summary>
/// Membership changes live: the JSON file rewritten under load (one version invalid), and
/// nodes joining and leaving through Consul's health checks (a real agent).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MembershipReloadTests(Cluster cluster)
{
    [Fact]
    public async Task Rewrite_the_file_ten_times_under_load_one_invalid_zero_errors_and_the_invalid_one_refused()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "reload.json");
        cluster.WriteMembership(file);
        await using var proxy = await Proxies.StartAsync(file);
        var users = Proxies.Users(200, "reload");
        await using var load = new LoadLoop([proxy], users, workers: 6);
        await load.RunForAsync(TimeSpan.FromMilliseconds(500));

        string[][] versions =
        [
            ["a1", "a2", "b1", "b2"],
            ["a1", "a2", "a3", "b1", "b2"],
            ["a1", "a2", "a3", "b1"],
            [], // invalid: see below
            ["a2", "a3", "b1", "b2"],
            ["a1", "a2", "a3", "b1", "b2"],
            ["a1", "b1", "b2"],
            ["a1", "a3", "b2"],
            ["a2", "a3", "b1", "b2"],
            ["a1", "a2", "a3", "b1", "b2"],
        ];
        long expectedVersion = 1;
        var phases = new List<(long FromMs, long ToMs, string[] Members)>();
        foreach (var members in versions)
        {
            if (members.Length == 0)
            {
                // Valid JSON, one node listed twice: refused whole, the previous membership stays.
                Cluster.WriteAtomically(file, cluster.MembershipJson(["a1", "a2", "a3", "b1"]).Replace("\"b1\"", "\"a1\"", StringComparison.Ordinal));
                await Wait.UntilAsync(proxy.Process, "the invalid file refused", async () => await proxy.MetricAsync("sidecar_proxy_membership_refused_total") >= 1, TimeSpan.FromSeconds(10));
                Assert.Equal(expectedVersion, (await proxy.RouteAsync("any")).GetProperty("membershipVersion").GetInt64());
                Assert.Contains("node id 'a1' appears twice", proxy.Process.Output);
            }
            else
            {
                cluster.WriteMembership(file, members);
                await Proxies.WaitMembershipAsync(proxy, ++expectedVersion);
                var listed = (await proxy.RouteAsync("any")).GetProperty("order").EnumerateArray()
                    .SelectMany(dc => dc.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!)).Order();
                Assert.Equal(members.Order(), listed);
            }

            // The proxy has published this version (or refused the invalid one): from here on it routes by it.
            var from = load.Clock.ElapsedMilliseconds;
            await load.RunForAsync(TimeSpan.FromMilliseconds(300), more: 100);
            if (members.Length > 0)
            {
                phases.Add((from, load.Clock.ElapsedMilliseconds, members));
            }
        }

        await load.StopAsync();
        load.AssertNoErrors();
        Assert.Equal(1, await proxy.MetricAsync("sidecar_proxy_membership_refused_total"));
        Assert.Equal(10, await proxy.MetricAsync("sidecar_proxy_membership_changes_total"));

        // Requests sent while a version was in force were served by its nodes only.
        foreach (var (fromMs, toMs, members) in phases)
        {
            var served = load.Answers.Where(a => a.SentMs > fromMs && a.DoneMs < toMs).ToList();
            Assert.NotEmpty(served);
            Assert.All(served, a => Assert.Contains(a.Node, members));
        }
    }

    [Fact]
    public async Task Consul_join_and_leave_move_about_one_nth_of_the_users_and_they_come_back()
    {
        await cluster.RestoreAsync();
        await using var agent = await ConsulAgent.StartAsync("dc-a");
        using var consul = agent.Client();
        foreach (var id in new[] { "a1", "a2", "a3" })
        {
            // a1 announces its h2c listener, as a node started with Api:H2cUrl does.
            await RegisterAsync(consul, id, cluster.Url(id), h2cPort: id == "a1" ? cluster.H2cPort("a1") : null);
        }

        await using var proxy = await ProxyProcess.StartAsync("dc-a", ["dc-a"], "--Proxy:Consul:Address", agent.Address.ToString(),
            "--Proxy:ActiveHealth:Interval", "00:00:00.200");
        await Proxies.WaitReadyAsync(proxy);
        var users = Proxies.Users(3000, "consul");
        await Wait.UntilAsync(proxy.Process, "three nodes from Consul", async () => (await proxy.RouteAsync("any")).GetProperty("order")[0].GetProperty("nodes").GetArrayLength() == 3, TimeSpan.FromSeconds(20));
        var baseline = await Proxies.RoutesAsync(proxy, users);
        var addresses = await Proxies.LocalAddressesAsync(proxy);
        Assert.Equal($"h2c://127.0.0.1:{cluster.H2cPort("a1")}", addresses["a1"]);
        Assert.Equal(cluster.Url("a2"), addresses["a2"]);
        var servedByA1 = users.First(u => baseline[u] == "a1");
        using (var response = await proxy.Http.GetAsync($"/v1/users/{servedByA1}"))
        {
            Assert.Equal("a1", Assert.Single(response.Headers.GetValues("X-Sidecar-Node")));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode); // a1's own answer, over h2c
        }

        // Join: a fourth node (b1's process, registered in dc-a as "a4": only its id matters to routing) takes about 1/4.
        await RegisterAsync(consul, "a4", cluster.Url("b1"));
        await Wait.UntilAsync(proxy.Process, "a4 in", async () => (await proxy.RouteAsync("any")).GetProperty("order")[0].GetProperty("nodes").GetArrayLength() == 4, TimeSpan.FromSeconds(20));
        var joined = await Proxies.RoutesAsync(proxy, users);
        var moved = users.Where(u => joined[u] != baseline[u]).ToList();
        Assert.All(moved, u => Assert.Equal("a4", joined[u]));
        Assert.InRange(moved.Count / (double)users.Count, 0.19, 0.31);

        // Leave (its check goes critical: no longer passing): exactly those users come back.
        await consul.Agent.FailAsync("ttl-a4");
        await Proxies.WaitRoutesAsync(proxy, baseline, TimeSpan.FromSeconds(20));

        // A node of the original three leaves: only its users move, and return with it.
        await consul.Agent.FailAsync("ttl-a1");
        await Wait.UntilAsync(proxy.Process, "a1 out", async () => (await proxy.RouteAsync("any")).GetProperty("order")[0].GetProperty("nodes").GetArrayLength() == 2, TimeSpan.FromSeconds(20));
        var without = await Proxies.RoutesAsync(proxy, users);
        var movedOut = users.Where(u => without[u] != baseline[u]).ToList();
        Assert.Equal(users.Where(u => baseline[u] == "a1").Order(), movedOut.Order());
        Assert.InRange(movedOut.Count / (double)users.Count, 0.27, 0.40);
        await consul.Agent.PassAsync("ttl-a1");
        await Proxies.WaitRoutesAsync(proxy, baseline, TimeSpan.FromSeconds(20));
        Assert.True(await proxy.MetricAsync("sidecar_proxy_membership_changes_total") >= 4);
    }

    [Fact]
    public async Task Consul_datacenters_are_watched_with_dc_and_a_local_datacenter_leaving_fails_users_over_to_the_next()
    {
        await cluster.RestoreAsync();
        var (agentA, agentB) = await ConsulAgent.StartWanPairAsync();
        await using (agentA)
        await using (agentB)
        {
            using var consulA = agentA.Client();
            using var consulB = agentB.Client();
            foreach (var (id, dc) in Cluster.Layout)
            {
                await RegisterAsync(dc == "dc-a" ? consulA : consulB, id, cluster.Url(id), dc);
            }

            // The dc-a proxy talks to dc-a's agent only; dc-b's nodes come through ?dc=dc-b.
            await using var proxy = await ProxyProcess.StartAsync("dc-a", Cluster.Datacenters, "--Proxy:Consul:Address", agentA.Address.ToString(),
                "--Proxy:ActiveHealth:Interval", "00:00:00.200");
            await Wait.UntilAsync(proxy.Process, "both datacenters from Consul", async () =>
            {
                var order = (await proxy.RouteAsync("any")).GetProperty("order");
                return order[0].GetProperty("nodes").GetArrayLength() == 3 && order[1].GetProperty("nodes").GetArrayLength() == 2;
            }, TimeSpan.FromSeconds(30));
            var users = Proxies.Users(300, "wan");
            Assert.All((await Proxies.RoutesAsync(proxy, users)).Values, n => Assert.StartsWith("a", n, StringComparison.Ordinal));

            // Every dc-a node fails its check: the users go to their dc-b nodes, as dc-b's own proxy would route them.
            await using var proxyB = await ProxyProcess.StartAsync("dc-b", Cluster.Datacenters, "--Proxy:Consul:Address", agentB.Address.ToString());
            await Wait.UntilAsync(proxyB.Process, "dc-b's proxy sees dc-b", async () =>
                (await proxyB.RouteAsync("any")).GetProperty("order")[0].GetProperty("nodes").GetArrayLength() == 2, TimeSpan.FromSeconds(30));
            var inB = await Proxies.RoutesAsync(proxyB, users);
            foreach (var id in new[] { "a1", "a2", "a3" })
            {
                await consulA.Agent.FailAsync("ttl-" + id);
            }

            await Proxies.WaitRoutesAsync(proxy, inB, TimeSpan.FromSeconds(20));
            Assert.Equal("OtherDatacenter", (await proxy.RouteAsync(users[0])).GetProperty("kind").GetString());
        }
    }

    private static async Task RegisterAsync(Sidecar.Common.Consul.ConsulClient consul, string id, string url, string datacenter = "dc-a", int? h2cPort = null)
    {
        var meta = new Dictionary<string, string> { [Sidecar.Common.Contracts.ServiceMetaKeys.Datacenter] = datacenter };
        if (h2cPort is { } port)
        {
            meta[Sidecar.Common.Contracts.ServiceMetaKeys.H2cPort] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var uri = new Uri(url);
        await consul.Agent.RegisterServiceAsync(new Sidecar.Common.Consul.ServiceRegistration
        {
            Id = id,
            Name = "sidecar",
            Address = uri.Host,
            Port = uri.Port,
            Meta = meta,
            Checks = [new Sidecar.Common.Consul.TtlCheck { Id = "ttl-" + id, Name = "ttl", Ttl = TimeSpan.FromMinutes(5) }],
        });
        await consul.Agent.PassAsync("ttl-" + id);
    }
}
