using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Common.Contracts;

/// <summary>
/// The JSON of the admin answers the processes serve and sidecarctl, tests and benchmarks read
/// (web defaults: camelCase properties, dictionary keys as they are). One context for both sides,
/// so a renamed property changes the writer and every reader together.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(NodeDigest))]
[JsonSerializable(typeof(RouteExplanation))]
[JsonSerializable(typeof(ReplicatorStatus))]
public sealed partial class AdminJson : JsonSerializerContext;
