using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Proxy.Membership;

/// <summary>
/// The JSON membership file: <c>{"datacenters":{"dc-a":[{"id":"a1","address":"http://10.0.0.1:5080"}]}}</c>.
/// Parsed and validated whole: one bad entry refuses the whole file, so a typo cannot silently
/// drop a node and move its users.
/// </summary>
public static class MembershipFile
{
    public static (IReadOnlyList<NodeAddress>? Nodes, string? Error) Parse(ReadOnlySpan<byte> json, IReadOnlyCollection<string> knownDatacenters)
    {
        FileModel? model;
        try
        {
            model = JsonSerializer.Deserialize(json, MembershipJsonContext.Default.FileModel);
        }
        catch (JsonException e)
        {
            return (null, $"not valid JSON: {e.Message}");
        }

        if (model?.Datacenters is null)
        {
            return (null, "no \"datacenters\" object");
        }

        var nodes = new List<NodeAddress>();
        foreach (var (dc, entries) in model.Datacenters)
        {
            foreach (var entry in entries ?? [])
            {
                nodes.Add(new NodeAddress(entry.Id ?? "", dc, entry.Address ?? ""));
            }
        }

        var errors = MembershipRules.Check(nodes, knownDatacenters);
        return errors.Count > 0 ? (null, string.Join("; ", errors)) : (nodes, null);
    }

    internal sealed class FileModel
    {
        public Dictionary<string, List<FileNode>?>? Datacenters { get; set; }
    }

    internal sealed class FileNode
    {
        public string? Id { get; set; }

        public string? Address { get; set; }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(MembershipFile.FileModel))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
