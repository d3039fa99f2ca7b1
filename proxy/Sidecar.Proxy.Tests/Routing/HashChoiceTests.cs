using System.Diagnostics;
using System.Globalization;
using Sidecar.Proxy.Routing;
using Xunit.Abstractions;

namespace Sidecar.Proxy.Tests.Routing;

/// <summary>
/// The evidence behind the choice of rendezvous hashing (docs/proxy.md): balance, users moved
/// when a node leaves or joins, and users moved that had nothing to do with the change, for
/// rendezvous, a ring with virtual nodes and Maglev on the same users. Only the product's
/// scheme is asserted on; the others are printed for comparison.
/// </summary>
public sealed class HashChoiceTests(ITestOutputHelper output)
{
    private const int Users = 100_000;
    private static readonly ulong[] UserHashes = Enumerable.Range(0, Users).Select(i => UserHash.OfUser($"user-{i}")).ToArray();

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    public void Rendezvous_is_balanced_and_moves_only_the_changed_nodes_users(int n)
    {
        var nodes = Names(n);
        var stats = Measure(HashAlgorithms.Rendezvous, nodes);
        output.WriteLine($"rendezvous n={n}: {stats}");

        // 100k users over n nodes: a binomial spread of under 2% (4 sigma); allow 5%.
        Assert.InRange(stats.MaxOverMean, 1.0, 1.05);
        Assert.InRange(stats.MinOverMean, 0.95, 1.0);

        // Leave: exactly the leaver's users move; join: about 1/(n+1), all of them to the new node.
        Assert.Equal(0, stats.CollateralOnLeave);
        Assert.Equal(0, stats.CollateralOnJoin);
        Assert.InRange(stats.MovedOnLeave, 0.9 / n, 1.1 / n);
        Assert.InRange(stats.MovedOnJoin, 0.9 / (n + 1), 1.1 / (n + 1));
        Assert.Equal(0, stats.NotBackAfterRejoin);
    }

    [Fact]
    public void Compare_schemes()
    {
        foreach (var n in new[] { 3, 5, 10 })
        {
            var nodes = Names(n);
            output.WriteLine($"n={n}, {Users} users");
            output.WriteLine($"  rendezvous      {Measure(HashAlgorithms.Rendezvous, nodes)}");
            output.WriteLine($"  ring 100 vnodes {Measure(x => HashAlgorithms.Ring(x, 100), nodes)}");
            output.WriteLine($"  ring 1000 vn.   {Measure(x => HashAlgorithms.Ring(x, 1000), nodes)}");
            output.WriteLine($"  maglev 65537    {Measure(x => HashAlgorithms.Maglev(x), nodes)}");
        }
    }

    private static string[] Names(int n) => Enumerable.Range(1, n).Select(i => $"node-{i}").ToArray();

    private static Stats Measure(Func<IReadOnlyList<string>, Func<ulong, int>> scheme, string[] nodes)
    {
        var n = nodes.Length;
        var lookup = scheme(nodes);
        var before = new string[Users];
        var counts = new int[n];
        var watch = Stopwatch.StartNew();
        for (var u = 0; u < Users; u++)
        {
            var node = lookup(UserHashes[u]);
            counts[node]++;
            before[u] = nodes[node];
        }

        var nanos = watch.Elapsed.TotalNanoseconds / Users;
        var mean = (double)Users / n;

        // The last node leaves.
        var left = nodes[..^1];
        var afterLeave = Assign(scheme(left), left);
        var movedLeave = Enumerable.Range(0, Users).Count(u => afterLeave[u] != before[u]);
        var collateralLeave = Enumerable.Range(0, Users).Count(u => afterLeave[u] != before[u] && before[u] != nodes[^1]);

        // A new node joins.
        string[] joined = [.. nodes, "node-new"];
        var afterJoin = Assign(scheme(joined), joined);
        var movedJoin = Enumerable.Range(0, Users).Count(u => afterJoin[u] != before[u]);
        var collateralJoin = Enumerable.Range(0, Users).Count(u => afterJoin[u] != before[u] && afterJoin[u] != "node-new");

        // The leaver comes back: everyone is where they were.
        var back = Assign(scheme(nodes), nodes);
        var notBack = Enumerable.Range(0, Users).Count(u => back[u] != before[u]);
        return new Stats(counts.Max() / mean, counts.Min() / mean, (double)movedLeave / Users, collateralLeave, (double)movedJoin / Users, collateralJoin, notBack, nanos, n);
    }

    private static string[] Assign(Func<ulong, int> lookup, string[] nodes) =>
        UserHashes.Select(h => nodes[lookup(h)]).ToArray();

    private sealed record Stats(double MaxOverMean, double MinOverMean, double MovedOnLeave, int CollateralOnLeave, double MovedOnJoin, int CollateralOnJoin, int NotBackAfterRejoin, double LookupNanos, int N)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"max/mean {MaxOverMean:0.000} min/mean {MinOverMean:0.000} | leave: moved {MovedOnLeave:P2} (ideal {1.0 / N:P2}), collateral {CollateralOnLeave} | join: moved {MovedOnJoin:P2} (ideal {1.0 / (N + 1):P2}), collateral {CollateralOnJoin} | back after rejoin: {Users - NotBackAfterRejoin}/{Users} | lookup {LookupNanos:0} ns");
    }
}
