namespace Sidecar.Common.Consul;

/// <summary>A session to create: kept alive by a TTL, by health checks, or both.</summary>
public sealed class SessionRequest
{
    public static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);

    /// <summary>The node's own health ("serfHealth"): Consul's default check.</summary>
    public const string SerfHealth = "serfHealth";

    public string? Name { get; init; }

    /// <summary>The agent node the session belongs to; null: the agent answering the call.</summary>
    public string? Node { get; init; }

    /// <summary>Renew within this time or the session ends (Consul waits up to twice it). 10 s to 24 h.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Check ids the session dies with as soon as one is critical. Consul 1.8 replaces its
    /// default ["serfHealth"] with this list, so include <see cref="SerfHealth"/> to keep it.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [SerfHealth];

    /// <summary>How long a released lock stays unavailable; 0 so a vote can be taken again at once.</summary>
    public TimeSpan LockDelay { get; init; } = TimeSpan.Zero;

    public SessionBehavior Behavior { get; init; } = SessionBehavior.Release;

    internal void Check()
    {
        if (Ttl is { } ttl && (ttl < MinTtl || ttl > MaxTtl))
        {
            throw new ArgumentOutOfRangeException(nameof(Ttl), ttl, $"a session TTL must be between {MinTtl} and {MaxTtl}");
        }

        if (LockDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LockDelay), LockDelay, "a lock delay cannot be negative");
        }
    }
}
