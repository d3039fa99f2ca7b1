using Microsoft.Extensions.Options;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Membership;

namespace Sidecar.Proxy.Routing;

/// <summary>
/// Rendezvous hashing per datacenter. A user's order of nodes is: the preferred datacenter's
/// nodes by descending score, then each next datacenter's (configured order) the same way. The
/// first available node not yet tried serves. Because the order only depends on the user, the
/// node ids and their health, every proxy with the same view picks the same node, and a node
/// that leaves moves only its own users (each to its next-ranked node), who come back when it
/// returns. One pass over the preferred datacenter's nodes, no allocation.
/// </summary>
public sealed class Router
{
    private readonly MembershipStore _membership;
    private readonly bool _homeMode;
    private readonly int _local;
    private readonly ulong[] _datacenterHashes;

    // _orders[p]: datacenter indexes to visit when p is preferred (p first, then the configured order).
    private readonly int[][] _orders;

    public Router(MembershipStore membership, IOptions<ProxyOptions> options)
    {
        _membership = membership;
        var datacenters = membership.Datacenters;
        _homeMode = options.Value.HomeDatacenter;
        _local = Math.Max(0, datacenters.ToList().IndexOf(options.Value.Datacenter));
        _datacenterHashes = datacenters.Select(UserHash.OfDatacenter).ToArray();
        _orders = Enumerable.Range(0, datacenters.Count)
            .Select(p => new[] { p }.Concat(Enumerable.Range(0, datacenters.Count).Where(i => i != p)).ToArray())
            .ToArray();
    }

    /// <summary>The datacenter index a user prefers: the local one, or in home mode the one their hash picks.</summary>
    public int PreferredDatacenter(ulong user)
    {
        if (!_homeMode)
        {
            return _local;
        }

        var best = 0;
        for (var i = 1; i < _datacenterHashes.Length; i++)
        {
            if (UserHash.Score(user, _datacenterHashes[i]) > UserHash.Score(user, _datacenterHashes[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The datacenters in the order a user visits them.</summary>
    public int[] DatacenterOrder(ulong user) => _orders[PreferredDatacenter(user)];

    /// <summary>The node for the next attempt: the best-ranked available node not in <paramref name="tried"/>.</summary>
    public RouteChoice Choose(ulong user, ReadOnlySpan<Node?> tried = default)
    {
        var snapshot = _membership.Current;
        var order = DatacenterOrder(user);
        Node? lastResort = null;
        for (var d = 0; d < order.Length; d++)
        {
            Node? best = null, top = null, bestDown = null;
            ulong bestScore = 0, topScore = 0, bestDownScore = 0;
            foreach (var node in snapshot.NodesOf(order[d]))
            {
                var score = UserHash.Score(user, node.IdHash);
                if (top is null || score > topScore)
                {
                    (top, topScore) = (node, score);
                }

                if (Contains(tried, node))
                {
                    continue;
                }

                if (!node.Health.IsAvailable)
                {
                    if (bestDown is null || score > bestDownScore)
                    {
                        (bestDown, bestDownScore) = (node, score);
                    }
                }
                else if (best is null || score > bestScore)
                {
                    (best, bestScore) = (node, score);
                }
            }

            if (best is not null)
            {
                return new RouteChoice(best, d > 0 ? RouteKind.OtherDatacenter : ReferenceEquals(best, top) ? RouteKind.Primary : RouteKind.NextNode);
            }

            lastResort ??= bestDown;
        }

        return new RouteChoice(lastResort, RouteKind.LastResort);
    }

    private static bool Contains(ReadOnlySpan<Node?> tried, Node node)
    {
        foreach (var t in tried)
        {
            if (ReferenceEquals(t, node))
            {
                return true;
            }
        }

        return false;
    }
}
