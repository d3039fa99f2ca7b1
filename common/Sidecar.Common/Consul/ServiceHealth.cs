using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>One instance of a service with its node and checks (<c>/v1/health/service</c>).</summary>
public sealed class ServiceHealth
{
    public required HealthNode Node { get; init; }

    public required HealthService Service { get; init; }

    public IReadOnlyList<HealthCheck> Checks { get; init; } = [];
}

public sealed class HealthNode
{
    [JsonPropertyName("Node")]
    public required string Name { get; init; }

    public string? Address { get; init; }

    public string? Datacenter { get; init; }
}

public sealed class HealthService
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    [JsonPropertyName("Service")]
    public required string Name { get; init; }

    public string? Address { get; init; }

    public int Port { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public IReadOnlyDictionary<string, string>? Meta { get; init; }
}

public sealed class HealthCheck
{
    [JsonPropertyName("CheckID")]
    public required string Id { get; init; }

    public string? Name { get; init; }

    /// <summary>"passing", "warning" or "critical".</summary>
    public required string Status { get; init; }

    [JsonPropertyName("ServiceID")]
    public string? ServiceId { get; init; }

    public string? Output { get; init; }
}
