using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>A live session as Consul describes it.</summary>
public sealed class SessionInfo
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? Node { get; init; }

    public IReadOnlyList<string>? Checks { get; init; }

    /// <summary>The TTL as Consul stores it ("15s"); empty when none.</summary>
    [JsonPropertyName("TTL")]
    public string? Ttl { get; init; }

    public string? Behavior { get; init; }

    public ulong CreateIndex { get; init; }
}
