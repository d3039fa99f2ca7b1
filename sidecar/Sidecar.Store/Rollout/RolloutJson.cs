using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecar.Store.Snapshots;

namespace Sidecar.Store.Rollout;

/// <summary>Source-generated JSON for everything stored in Consul KV and in manifests (no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(VersionEntry))]
[JsonSerializable(typeof(RolloutRequest))]
[JsonSerializable(typeof(Proposal))]
[JsonSerializable(typeof(Vote))]
[JsonSerializable(typeof(Decision))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(CurrentVersion))]
[JsonSerializable(typeof(SnapshotManifest))]
[JsonSerializable(typeof(RolloutStatus))]
public sealed partial class RolloutJson : JsonSerializerContext
{
    public static byte[] Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Default.GetTypeInfo(typeof(T))!);

    /// <summary>Parses a stored value; a value that is not what it should be is a clear error naming the key.</summary>
    public static T Parse<T>(byte[]? value, string key)
    {
        try
        {
            return value is { Length: > 0 } && JsonSerializer.Deserialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Default.GetTypeInfo(typeof(T))!) is { } parsed
                ? parsed
                : throw new InvalidDataException($"{key} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{key} does not hold a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
