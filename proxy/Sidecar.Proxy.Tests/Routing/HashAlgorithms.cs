using System.IO.Hashing;
using System.Text;
using Sidecar.Proxy.Routing;

namespace Sidecar.Proxy.Tests.Routing;

/// <summary>
/// The consistent-hashing schemes the proxy's choice was made among, each as "user hash to node
/// index" over a node list. Only <see cref="Rendezvous"/> mirrors the product (it uses the
/// router's own score); the others exist to measure against it.
/// </summary>
internal static class HashAlgorithms
{
    public static ulong Hash(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text), UserHash.Seed);

    public static Func<ulong, int> Rendezvous(IReadOnlyList<string> nodes)
    {
        var hashes = nodes.Select(UserHash.OfNodeId).ToArray();
        return user =>
        {
            var best = 0;
            for (var i = 1; i < hashes.Length; i++)
            {
                if (UserHash.Score(user, hashes[i]) > UserHash.Score(user, hashes[best]))
                {
                    best = i;
                }
            }

            return best;
        };
    }

    /// <summary>A ring with <paramref name="vnodes"/> points per node; a user goes to the first point at or after its hash.</summary>
    public static Func<ulong, int> Ring(IReadOnlyList<string> nodes, int vnodes)
    {
        var points = nodes.SelectMany((n, i) => Enumerable.Range(0, vnodes).Select(v => (Point: Hash($"{n}#{v}"), Node: i)))
            .OrderBy(p => p.Point).ToArray();
        var keys = points.Select(p => p.Point).ToArray();
        return user =>
        {
            var at = Array.BinarySearch(keys, user);
            at = at < 0 ? ~at : at;
            return points[at == keys.Length ? 0 : at].Node;
        };
    }

    /// <summary>Maglev (Eisenbud et al., NSDI 2016): a lookup table of prime size filled from per-node permutations.</summary>
    public static Func<ulong, int> Maglev(IReadOnlyList<string> nodes, int tableSize = 65537)
    {
        var table = new int[tableSize];
        Array.Fill(table, -1);
        var offsets = nodes.Select(n => (long)(Hash("offset:" + n) % (ulong)tableSize)).ToArray();
        var skips = nodes.Select(n => (long)(Hash("skip:" + n) % (ulong)(tableSize - 1)) + 1).ToArray();
        var next = new long[nodes.Count];
        for (var filled = 0; filled < tableSize;)
        {
            for (var i = 0; i < nodes.Count && filled < tableSize; i++)
            {
                long slot;
                do
                {
                    slot = (offsets[i] + (next[i]++ * skips[i])) % tableSize;
                }
                while (table[slot] >= 0);

                table[slot] = i;
                filled++;
            }
        }

        return user => table[user % (ulong)tableSize];
    }
}
