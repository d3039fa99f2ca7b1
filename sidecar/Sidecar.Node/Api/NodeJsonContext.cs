using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Node.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WriteReceipt))]
[JsonSerializable(typeof(DigestResponse))]
[JsonSerializable(typeof(StatusResponse))]
internal sealed partial class NodeJsonContext : JsonSerializerContext;

internal sealed record DigestResponse(string Version, string Digest, long Users);

internal sealed record StatusResponse(
    string NodeId,
    string Datacenter,
    string Version,
    bool CaughtUp,
    long Lag,
    int AssignedPartitions,
    string? LastError,
    Dictionary<string, long> Positions);
