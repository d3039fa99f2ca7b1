using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.KafkaMock;

/// <summary>The control API's JSON (camelCase), generated: the slim builder has no reflection-based serializer.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RecordToProduce[]))]
[JsonSerializable(typeof(IReadOnlyList<RecordPosition>))]
internal sealed partial class ControlJson : JsonSerializerContext;
