using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Proxy.Forwarding;

/// <summary>A 400 answer in problem+json shape.</summary>
internal sealed record BadRequestProblem(string Detail)
{
    public string Title => "Bad Request";

    public int Status => 400;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BadRequestProblem))]
internal sealed partial class ProxyJsonContext : JsonSerializerContext;
