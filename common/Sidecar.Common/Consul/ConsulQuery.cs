namespace Sidecar.Common.Consul;

/// <summary>Options of one read: datacenter, blocking index and wait, consistency.</summary>
public sealed record ConsulQuery
{
    /// <summary>Overrides <see cref="ConsulClientOptions.Datacenter"/> for this read.</summary>
    public string? Datacenter { get; init; }

    /// <summary>Blocks until the result's index is above this one (or the wait ends).</summary>
    public ulong? Index { get; init; }

    /// <summary>Longest block when <see cref="Index"/> is set (Consul adds up to wait/16 itself).</summary>
    public TimeSpan? Wait { get; init; }

    public ConsulConsistency Consistency { get; init; } = ConsulConsistency.Default;
}
