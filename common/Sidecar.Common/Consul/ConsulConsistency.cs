namespace Sidecar.Common.Consul;

/// <summary>Consul's read consistency modes.</summary>
public enum ConsulConsistency
{
    /// <summary>The leader answers, without checking that it still is one.</summary>
    Default,

    /// <summary>The leader confirms its leadership first (<c>?consistent</c>).</summary>
    Consistent,

    /// <summary>Any server answers, possibly behind (<c>?stale</c>).</summary>
    Stale,
}
