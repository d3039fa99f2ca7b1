using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>Source-generated JSON for the Consul wire format (property names as Consul spells them).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(List<KvPair>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<SessionInfo>))]
[JsonSerializable(typeof(SessionCreateBody))]
[JsonSerializable(typeof(SessionCreated))]
[JsonSerializable(typeof(List<TxnOpEnvelope>))]
[JsonSerializable(typeof(TxnResponse))]
[JsonSerializable(typeof(ServiceRegistration))]
[JsonSerializable(typeof(CheckUpdate))]
[JsonSerializable(typeof(List<ServiceHealth>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class ConsulJson : JsonSerializerContext;

internal sealed record SessionCreateBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node,
    [property: JsonPropertyName("TTL"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ttl,
    IReadOnlyList<string> Checks,
    string LockDelay,
    string Behavior);

internal sealed record SessionCreated([property: JsonPropertyName("ID")] string Id);

internal sealed record TxnOpEnvelope([property: JsonPropertyName("KV")] TxnOp Kv);

internal sealed record TxnResultItem([property: JsonPropertyName("KV")] KvPair? Kv);

internal sealed record TxnResponse(List<TxnResultItem>? Results, List<TxnError>? Errors);

internal sealed record CheckUpdate(string Status, string Output);
