namespace Sidecar.Proxy.Routing;

/// <summary>Why a node serves a request: the user's first choice, or which fallback.</summary>
public enum RouteKind
{
    /// <summary>The user's top-ranked node of the preferred datacenter.</summary>
    Primary,

    /// <summary>The primary is unavailable: the next-ranked available node of the preferred datacenter.</summary>
    NextNode,

    /// <summary>No node of the preferred datacenter is available: the user's node in the next datacenter.</summary>
    OtherDatacenter,

    /// <summary>No node anywhere is available: the best-ranked one is tried regardless of its health.</summary>
    LastResort,
}
