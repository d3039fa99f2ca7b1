namespace Sidecar.Proxy.Membership;

/// <summary>
/// The nodes of every datacenter at one moment, immutable. Swapped whole (one reference write)
/// on a change, so a request routes against one consistent view however membership moves.
/// </summary>
public sealed class MembershipSnapshot
{
    private readonly Node[][] _byDatacenter;

    public MembershipSnapshot(IReadOnlyList<string> datacenters, IEnumerable<Node> nodes, long version)
    {
        Datacenters = datacenters;
        Version = version;
        var grouped = nodes.ToLookup(n => n.Datacenter, StringComparer.Ordinal);

        // Sorted by id so that two proxies with the same membership hold identical arrays
        // (scores break no ties by position, but logs and explanations stay stable).
        _byDatacenter = datacenters.Select(dc => grouped[dc].OrderBy(n => n.Id, StringComparer.Ordinal).ToArray()).ToArray();
        All = _byDatacenter.SelectMany(n => n).ToArray();
    }

    public static MembershipSnapshot Empty(IReadOnlyList<string> datacenters) => new(datacenters, [], 0);

    /// <summary>The configured datacenters, in failover order.</summary>
    public IReadOnlyList<string> Datacenters { get; }

    public long Version { get; }

    public IReadOnlyList<Node> All { get; }

    /// <summary>The nodes of the datacenter at <paramref name="index"/> in <see cref="Datacenters"/>.</summary>
    public Node[] NodesOf(int index) => _byDatacenter[index];

    public string Describe() =>
        string.Join("; ", Datacenters.Select((dc, i) => $"{dc}: [{string.Join(", ", _byDatacenter[i].Select(n => n.Id + "=" + n.Address))}]"));
}
