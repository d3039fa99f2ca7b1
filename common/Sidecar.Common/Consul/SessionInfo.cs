using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>A live session as Consul describes it.</summary>
public sealed class SessionInfo
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? Node { get; init; }

    /// <summary>Check ids as older agents report them.</summary>
    public IReadOnlyList<string>? Checks { get; init; }

    /// <summary>Node check ids (1.7+: where the <c>Checks</c> of the request end up).</summary>
    public IReadOnlyList<string>? NodeChecks { get; init; }

    /// <summary>Service check ids (1.7+).</summary>
    public IReadOnlyList<SessionServiceCheck>? ServiceChecks { get; init; }

    /// <summary>Every check the session is bound to, however the agent reports them.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> CheckIds =>
        [.. (Checks ?? []).Concat(NodeChecks ?? []).Concat((ServiceChecks ?? []).Select(c => c.Id)).Distinct()];

    /// <summary>The TTL as Consul stores it ("15s"); empty when none.</summary>
    [JsonPropertyName("TTL")]
    public string? Ttl { get; init; }

    public string? Behavior { get; init; }

    public ulong CreateIndex { get; init; }
}

/// <summary>A service check a session is bound to.</summary>
public sealed class SessionServiceCheck
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }
}
