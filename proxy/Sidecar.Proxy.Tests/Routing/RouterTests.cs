using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Membership;
using Sidecar.Proxy.Routing;

namespace Sidecar.Proxy.Tests.Routing;

/// <summary>The router against a membership store fed by hand: datacenter order, fallbacks, home mode, exclusions.</summary>
public sealed class RouterTests
{
    private static readonly string[] Datacenters = ["dc-a", "dc-b", "dc-c"];

    [Fact]
    public void Local_datacenter_first_then_the_users_node_in_the_next_one()
    {
        var (store, router) = Build("dc-b");
        var user = UserHash.OfUser("alice");
        var primary = router.Choose(user);
        Assert.Equal(RouteKind.Primary, primary.Kind);
        Assert.Equal("dc-b", primary.Node!.Datacenter);

        primary.Node.Health.MarkDown("test");
        var next = router.Choose(user);
        Assert.Equal(RouteKind.NextNode, next.Kind);
        Assert.Equal("dc-b", next.Node!.Datacenter);

        foreach (var node in store.Current.NodesOf(1))
        {
            node.Health.MarkDown("test");
        }

        var failover = router.Choose(user);
        Assert.Equal(RouteKind.OtherDatacenter, failover.Kind);

        // The next datacenter in the configured order after the local one is dc-a (the list order, local removed).
        Assert.Equal("dc-a", failover.Node!.Datacenter);
        Assert.Equal(Best(store, user, "dc-a"), failover.Node.Id);

        foreach (var node in store.Current.All)
        {
            node.Health.MarkDown("test");
        }

        var lastResort = router.Choose(user);
        Assert.Equal(RouteKind.LastResort, lastResort.Kind);
        Assert.Same(primary.Node, lastResort.Node);

        primary.Node.Health.MarkUp("test");
        Assert.Same(primary.Node, router.Choose(user).Node);
    }

    [Fact]
    public void Tried_nodes_are_skipped_in_rank_order()
    {
        var (store, router) = Build("dc-a");
        var user = UserHash.OfUser("bob");
        var ranked = store.Current.NodesOf(0).OrderByDescending(n => UserHash.Score(user, n.IdHash)).ToArray();
        Assert.Same(ranked[0], router.Choose(user).Node);
        Assert.Same(ranked[1], router.Choose(user, [ranked[0]]).Node);
        Assert.Same(ranked[2], router.Choose(user, [ranked[0], ranked[1]]).Node);
        Assert.Equal("dc-b", router.Choose(user, [.. ranked]).Node!.Datacenter);
    }

    [Fact]
    public void Home_mode_pins_each_user_to_one_datacenter_whatever_the_local_one()
    {
        var (_, routerA) = Build("dc-a", home: true);
        var (_, routerC) = Build("dc-c", home: true);
        var homes = new int[Datacenters.Length];
        for (var i = 0; i < 3000; i++)
        {
            var user = UserHash.OfUser($"user-{i}");
            var a = routerA.Choose(user).Node!;
            Assert.Equal(a.Id, routerC.Choose(user).Node!.Id);
            homes[Array.IndexOf(Datacenters, a.Datacenter)]++;
        }

        Assert.All(homes, h => Assert.InRange(h, 800, 1200));
    }

    [Fact]
    public void An_unchanged_update_keeps_the_snapshot_and_health()
    {
        var (store, _) = Build("dc-a");
        var before = store.Current;
        before.All[0].Health.MarkDown("test");
        store.Update("file", Nodes());
        Assert.Same(before, store.Current);
        Assert.False(store.Current.All[0].Health.IsAvailable);
    }

    private static string Best(MembershipStore store, ulong user, string dc) =>
        store.Current.NodesOf(Array.IndexOf(Datacenters, dc)).MaxBy(n => UserHash.Score(user, n.IdHash))!.Id;

    private static List<NodeAddress> Nodes() =>
        [.. Datacenters.SelectMany(dc => Enumerable.Range(1, 3).Select(i => new NodeAddress($"{dc}-n{i}", dc, $"http://127.0.0.1:{7000 + i}")))];

    private static (MembershipStore Store, Router Router) Build(string local, bool home = false)
    {
        var options = Options.Create(new ProxyOptions { Datacenter = local, Datacenters = [.. Datacenters], HomeDatacenter = home });
        var store = new MembershipStore(options, NullLogger<MembershipStore>.Instance);
        store.Update("file", Nodes());
        return (store, new Router(store, options));
    }
}
