using System.Globalization;
using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Routing;

/// <summary>Builds <see cref="RouteExplanation"/> with the router's own choice, for operators and tests.</summary>
public sealed class RouteExplainer(Router router, MembershipStore membership, IOptions<ProxyOptions> options)
{
    public RouteExplanation Explain(string userId)
    {
        var user = UserHash.OfUser(userId);
        var snapshot = membership.Current;
        var choice = router.Choose(user);
        var order = router.DatacenterOrder(user)
            .Select(i => new DatacenterRanking(snapshot.Datacenters[i], snapshot.NodesOf(i)
                .Select(n => (Node: n, Score: UserHash.Score(user, n.IdHash)))
                .OrderByDescending(x => x.Score)
                .Select(x => new RankedNode(x.Node.Id, x.Node.Address, x.Score.ToString("x16", CultureInfo.InvariantCulture), x.Node.Health.IsAvailable, x.Node.Health.Reason))
                .ToList()))
            .ToList();
        var preferred = order[0].Datacenter;
        var mode = options.Value.HomeDatacenter ? "home" : "local";
        return new RouteExplanation(userId, user.ToString("x16", CultureInfo.InvariantCulture), mode, preferred,
            choice.Node?.Id, choice.Node?.Datacenter, choice.Node?.Address, choice.Kind.ToString(), Reason(choice, order, mode), snapshot.Version, order);
    }

    private static string Reason(RouteChoice choice, List<DatacenterRanking> order, string mode)
    {
        var preferred = order[0];
        var why = mode == "home" ? $"home datacenter {preferred.Datacenter} (by hash)" : $"local datacenter {preferred.Datacenter}";
        return choice.Kind switch
        {
            _ when choice.Node is null => $"no node in any datacenter ({why})",
            RouteKind.Primary => $"{why}: {choice.Node.Id} ranks first of {preferred.Nodes.Count} nodes and is available",
            RouteKind.NextNode => $"{why}: {choice.Node.Id} is the best-ranked available node; above it: {Unavailable(preferred, choice.Node.Id)}",
            RouteKind.OtherDatacenter => $"{why} has no available node ({Unavailable(preferred, null)}); failover to {choice.Node.Datacenter}, where {choice.Node.Id} is the best-ranked available node",
            _ => $"no node is available anywhere: trying {choice.Node.Id}, the best-ranked node, regardless",
        };
    }

    private static string Unavailable(DatacenterRanking ranking, string? until)
    {
        var down = ranking.Nodes.TakeWhile(n => n.Id != until).Where(n => !n.Available).Select(n => $"{n.Id} ({n.Health})").ToList();
        return down.Count == 0 ? "no nodes" : string.Join(", ", down);
    }
}
