using System.Text.Json;

namespace Sidecar.Stack;

/// <summary>
/// Where each datacenter's Kafka listens, written by <c>up</c> into its data folder and read by
/// <c>load</c>. The mock cluster picks its broker ports when it starts, so unlike every HTTP part
/// they cannot come from <see cref="StackLayout"/>'s fixed ports. A JSON object: datacenter name
/// to bootstrap servers, e.g. <c>{"dc-a":"127.0.0.1:40123","dc-b":"127.0.0.1:40211"}</c>.
/// </summary>
internal static class KafkaBootstrapFile
{
    public const string Name = "kafka-bootstrap.json";

    public static string PathIn(string dataRoot) => Path.Combine(dataRoot, Name);

    public static void Write(string dataRoot, IReadOnlyDictionary<string, string> bootstrap)
    {
        // Written whole then renamed, so that a load started at that moment never reads half a file.
        var path = PathIn(dataRoot);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(bootstrap));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The bootstrap servers per datacenter; an <see cref="ArgumentException"/> when there is no running stack's file.</summary>
    public static IReadOnlyDictionary<string, string> Read(string dataRoot)
    {
        var path = PathIn(dataRoot);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path} does not exist: start the stack first (./run.sh), pass its --data, or --event-rate 0 for no events");
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
            ?? throw new ArgumentException($"{path} is not a JSON object of datacenter to bootstrap servers");
    }
}
