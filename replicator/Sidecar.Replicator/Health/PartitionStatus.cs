using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Replicator.Health;

internal sealed record PartitionStatus(string Source, string Remote, long LastAcked, string? Gap, double CheckpointAgeSeconds);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<PartitionStatus>))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
