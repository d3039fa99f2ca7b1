namespace Sidecar.Proxy.Tests.Integration;

/// <summary>
/// Nodes die under load: a GET loop through the proxies sees zero 5xx, the dead node's users go
/// to one substitute (the same from every proxy), and come back when it returns.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLossTests(Cluster cluster)
{
    [Fact]
    public async Task Kill_9_a_node_under_load_zero_5xx_same_substitute_from_both_proxies_and_back_after_restart()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "kill.json");
        cluster.WriteMembership(file);
        await using var first = await Proxies.StartAsync(file);
        await using var second = await Proxies.StartAsync(file);
        var users = Proxies.Users(300, "kill");
        var before = await Proxies.RoutesAsync(first, users);
        var victims = users.Where(u => before[u] == "a1").ToList();
        Assert.InRange(victims.Count, 60, 140);

        await using var load = new LoadLoop([first, second], users, workers: 8);
        await load.RunForAsync(TimeSpan.FromSeconds(1));
        var killedAt = load.Clock.ElapsedMilliseconds;
        await cluster.KillAsync("a1");
        await load.RunForAsync(TimeSpan.FromSeconds(3));

        // Both proxies send each of a1's users to the same substitute: the user's next-ranked node.
        var substituteFirst = await Proxies.RoutesAsync(first, victims);
        var substituteSecond = await Proxies.RoutesAsync(second, victims);
        foreach (var user in victims)
        {
            Assert.NotEqual("a1", substituteFirst[user]);
            Assert.Equal(substituteFirst[user], substituteSecond[user]);
            var route = await first.RouteAsync(user);
            Assert.Equal("NextNode", route.GetProperty("kind").GetString());
            Assert.Equal(substituteFirst[user], route.GetProperty("order")[0].GetProperty("nodes")[1].GetProperty("id").GetString());
        }

        // Everyone else did not move; and once the loss was seen, the answers came from the substitutes.
        Assert.All(users.Except(victims), u => Assert.Equal(before[u], substituteFirst.GetValueOrDefault(u, before[u])));
        var settled = load.Answers.Where(a => a.SentMs > killedAt + 1000 && victims.Contains(a.User)).ToList();
        Assert.NotEmpty(settled);
        Assert.All(settled, a => Assert.Equal(substituteFirst[a.User], a.Node));

        await cluster.RestoreAsync();
        var backAt = load.Clock.ElapsedMilliseconds;
        await Proxies.WaitRoutesAsync(first, before, TimeSpan.FromSeconds(20));
        await Proxies.WaitRoutesAsync(second, before, TimeSpan.FromSeconds(20));
        var routedBackAt = load.Clock.ElapsedMilliseconds;
        await load.RunForAsync(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        load.AssertNoErrors();
        var after = load.Answers.Where(a => a.SentMs > routedBackAt + 500 && victims.Contains(a.User)).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.Equal("a1", a.Node));
        Assert.True(backAt > killedAt);
        foreach (var proxy in new[] { first, second })
        {
            Assert.True(await proxy.MetricAsync("sidecar_proxy_failovers_total", "kind=\"next_node\"") > 0, "failovers to the next node are counted");
        }
    }

    [Fact]
    public async Task Stop_every_node_of_the_local_datacenter_under_load_fails_over_to_the_other_with_zero_5xx()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "dc-loss.json");
        cluster.WriteMembership(file);
        await using var proxyA = await Proxies.StartAsync(file, "dc-a");
        await using var proxyB = await Proxies.StartAsync(file, "dc-b");
        var users = Proxies.Users(200, "dc");
        var before = await Proxies.RoutesAsync(proxyA, users);
        var inB = await Proxies.RoutesAsync(proxyB, users);

        await using var load = new LoadLoop([proxyA], users, workers: 6);
        await load.RunForAsync(TimeSpan.FromSeconds(1));
        var stoppedAt = load.Clock.ElapsedMilliseconds;
        await Task.WhenAll(new[] { "a1", "a2", "a3" }.Select(cluster.StopAsync));
        var allStoppedAt = load.Clock.ElapsedMilliseconds;
        await load.RunForAsync(TimeSpan.FromSeconds(3));

        // Each user now goes to their own node in dc-b: the one dc-b's proxy picks for them.
        var failedOver = await Proxies.RoutesAsync(proxyA, users);
        Assert.All(users, u => Assert.Equal(inB[u], failedOver[u]));
        var route = await proxyA.RouteAsync(users[0]);
        Assert.Equal("OtherDatacenter", route.GetProperty("kind").GetString());
        Assert.Equal("dc-b", route.GetProperty("datacenter").GetString());
        var settled = load.Answers.Where(a => a.SentMs > allStoppedAt + 1000).ToList();
        Assert.NotEmpty(settled);
        Assert.All(settled, a => Assert.Equal("dc-b", a.Datacenter));

        await cluster.RestoreAsync();
        await Proxies.WaitRoutesAsync(proxyA, before, TimeSpan.FromSeconds(30));
        var backAt = load.Clock.ElapsedMilliseconds;
        await load.RunForAsync(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        load.AssertNoErrors();
        Assert.All(load.Answers.Where(a => a.SentMs > backAt + 500), a => Assert.Equal("dc-a", a.Datacenter));
        Assert.True(await proxyA.MetricAsync("sidecar_proxy_failovers_total", "kind=\"other_datacenter\"") > 0);
        Assert.True(stoppedAt < allStoppedAt);
    }

    [Fact]
    public async Task A_write_with_an_idempotency_key_is_replayed_on_the_next_node_and_one_without_is_not()
    {
        await cluster.RestoreAsync();
        var file = Path.Combine(cluster.Dir, "writes.json");
        cluster.WriteMembership(file);

        // Active checks far apart: the proxies learn of the death only from the failed request itself.
        string[] slowChecks = ["--Proxy:ActiveHealth:Interval", "00:10:00"];
        await using var withKey = await Proxies.StartAsync(file, "dc-a", slowChecks);
        await using var withoutKey = await Proxies.StartAsync(file, "dc-a", slowChecks);
        var user = (await Proxies.RoutesAsync(withKey, Proxies.Users(100, "write"))).First(r => r.Value == "a1").Key;
        await cluster.KillAsync("a1");

        var body = """{"ops":[{"op":"set","field":"city","value":"Goa"}]}""";
        using var keyed = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{user}/updates?wait=applied") { Content = new StringContent(body) };
        keyed.Headers.Add("Idempotency-Key", "k-1");
        using var accepted = await withKey.Http.SendAsync(keyed);
        Assert.Equal(System.Net.HttpStatusCode.OK, accepted.StatusCode);
        var substitute = Assert.Single(accepted.Headers.GetValues("X-Sidecar-Node"));
        Assert.NotEqual("a1", substitute);
        Assert.Equal(1, await withKey.MetricAsync("sidecar_proxy_retries_total"));

        // The body reached the substitute whole: the user's field is there.
        using var read = await withKey.Http.GetAsync($"/v1/users/{user}/fields/city");
        Assert.Equal(System.Net.HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("Goa", await read.Content.ReadAsStringAsync());

        // Without a key the write may not be repeated: the failure is the client's to see (and the node is out).
        using var unkeyed = await withoutKey.Http.PostAsync($"/v1/users/{user}/updates", new StringContent(body));
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, unkeyed.StatusCode);
        Assert.Equal(0, await withoutKey.MetricAsync("sidecar_proxy_retries_total"));
        Assert.Equal(substitute, await withoutKey.NodeOfAsync(user));
    }
}
