namespace Sidecar.Node.Configuration;

/// <summary>The named datasets a node serves beside the default one: section "Datasets", one
/// <see cref="DatasetOptions"/> per name. None (today's deployments): the default dataset alone.</summary>
public sealed class DatasetsOptions
{
    public const string Section = "Datasets";

    public Dictionary<string, DatasetOptions> Named { get; } = new(StringComparer.Ordinal);
}
