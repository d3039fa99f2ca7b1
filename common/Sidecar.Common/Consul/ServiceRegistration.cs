using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>A service for the local agent to register, with its checks.</summary>
public sealed class ServiceRegistration
{
    [JsonPropertyName("ID")]
    public required string Id { get; init; }

    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Address { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Port { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<TtlCheck> Checks { get; init; } = [];
}

/// <summary>A check the service itself reports on (pass/warn/fail) before its TTL runs out.</summary>
public sealed class TtlCheck
{
    [JsonPropertyName("CheckID")]
    public required string Id { get; init; }

    public required string Name { get; init; }

    [JsonPropertyName("TTL")]
    [JsonConverter(typeof(ConsulDuration.JsonConverter))]
    public required TimeSpan Ttl { get; init; }

    /// <summary>The state before the first report; Consul's default is critical.</summary>
    [JsonIgnore]
    public CheckStatus? Status { get; init; }

    /// <summary>The agent removes the service after its check has been critical this long.</summary>
    [JsonIgnore]
    public TimeSpan? DeregisterCriticalServiceAfter { get; init; }

    [JsonInclude]
    [JsonPropertyName("Status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? StatusText => Status?.ToConsul();

    [JsonInclude]
    [JsonPropertyName("DeregisterCriticalServiceAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? DeregisterAfterText => DeregisterCriticalServiceAfter is { } after ? ConsulDuration.Format(after) : null;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Notes { get; init; }
}
