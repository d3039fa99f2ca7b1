using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Node.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WriteReceipt))]
[JsonSerializable(typeof(ForgetReceipt))]
internal sealed partial class NodeJsonContext : JsonSerializerContext;
