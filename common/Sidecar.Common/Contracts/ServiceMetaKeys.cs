namespace Sidecar.Common.Contracts;

/// <summary>
/// Keys of the metadata a node registers with its Consul service. The node writes them; the
/// rollout coordinator, the proxy and <c>sidecarctl</c> read them back from Consul's health
/// answers, so a rename here is a rename everywhere.
/// </summary>
public static class ServiceMetaKeys
{
    /// <summary>The node's datacenter (<c>Node:Datacenter</c>).</summary>
    public const string Datacenter = "datacenter";

    /// <summary>The dataset version the node serves now.</summary>
    public const string Version = "version";

    /// <summary>The node id (<c>Node:Id</c>).</summary>
    public const string Node = "node";

    /// <summary>The datacenter whose rollout keys the node follows (<c>Rollout:Datacenter</c>, or its own).</summary>
    public const string RolloutDatacenter = "rollout-dc";

    /// <summary>The port of the node's h2c listener, present only when it has one.</summary>
    public const string H2cPort = "h2c-port";

    /// <summary>
    /// The live version of a named dataset the node serves (<c>dataset-&lt;name&gt;</c>), one key per
    /// dataset; the default dataset's is <see cref="Version"/>. A node without the key does not
    /// serve the dataset, so it takes no part in that dataset's rounds.
    /// </summary>
    public static string DatasetVersion(string dataset) => DatasetPrefix + dataset;

    /// <summary>Whether the instance with <paramref name="meta"/> serves <paramref name="dataset"/>:
    /// every node serves the default one (nodes from before datasets have no dataset keys).</summary>
    public static bool Serves(IReadOnlyDictionary<string, string>? meta, string dataset) =>
        dataset == DatasetName.Default || meta?.ContainsKey(DatasetVersion(dataset)) == true;

    /// <summary>Every dataset the instance registers, by name, with its live version: the default
    /// one's (<see cref="Version"/>) and each <c>dataset-&lt;name&gt;</c>.</summary>
    public static SortedDictionary<string, string> Datasets(IReadOnlyDictionary<string, string>? meta)
    {
        var datasets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in meta ?? new Dictionary<string, string>())
        {
            if (key == Version)
            {
                datasets[DatasetName.Default] = value;
            }
            else if (key.StartsWith(DatasetPrefix, StringComparison.Ordinal) && DatasetName.IsValid(key[DatasetPrefix.Length..]))
            {
                datasets[key[DatasetPrefix.Length..]] = value;
            }
        }

        return datasets;
    }

    private const string DatasetPrefix = "dataset-";
}
