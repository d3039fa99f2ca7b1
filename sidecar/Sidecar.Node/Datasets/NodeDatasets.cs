using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Datasets;

/// <summary>
/// The datasets this node serves, by name. Today that is the one dataset every node has always
/// served, under <see cref="DatasetName.Default"/>, built from today's settings
/// (<c>Kafka:UpdatesTopic</c>, <c>Store:*</c>) and kept where it always was: the next steps add
/// the configured ones (docs/datasets.md).
/// </summary>
internal sealed class NodeDatasets
{
    private readonly Dictionary<string, Dataset> _byName;

    public NodeDatasets(VersionedStore store, IOptions<KafkaOptions> kafka)
    {
        Default = new Dataset(DatasetName.Default, kafka.Value.UpdatesTopic, store);
        _byName = new Dictionary<string, Dataset>(StringComparer.Ordinal) { [Default.Name] = Default };
    }

    public Dataset Default { get; }

    /// <summary>Every dataset, the default first.</summary>
    public IEnumerable<Dataset> All => _byName.Values;

    /// <summary>The dataset a request names in its route (<see cref="UserPaths.DatasetRouteValue"/>),
    /// the default one when its route names none, or null when it names one this node does not serve.</summary>
    public Dataset? Of(HttpContext context) =>
        context.Request.RouteValues.TryGetValue(UserPaths.DatasetRouteValue, out var name)
            ? name is string n && _byName.TryGetValue(n, out var dataset) ? dataset : null
            : Default;
}
