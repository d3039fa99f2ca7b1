namespace Sidecar.Common.Contracts;

/// <summary>The proxy's answer to <c>GET /proxy/route/{userId}</c>: where the user goes now and why.</summary>
public sealed record RouteExplanation(
    string UserId,
    string UserHash,
    string Mode,
    string PreferredDatacenter,
    string? Node,
    string? Datacenter,
    string? Address,
    string Kind,
    string Reason,
    long MembershipVersion,
    IReadOnlyList<DatacenterRanking> Order);

/// <summary>One datacenter in the user's visiting order, its nodes ranked by the user's score (first = preferred).</summary>
public sealed record DatacenterRanking(string Datacenter, IReadOnlyList<RankedNode> Nodes);

public sealed record RankedNode(string Id, string Address, string Score, bool Available, string Health);
