using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Datasets;

/// <summary>
/// The datasets this node serves, by name: the default one (today's settings, in the node's own
/// container, where it always was) and each <c>Datasets:&lt;name&gt;</c> in a container of its own
/// (docs/datasets.md). Disposing it disposes the named datasets' parts.
/// </summary>
internal sealed class NodeDatasets : IDisposable
{
    private readonly Dictionary<string, Dataset> _byName = new(StringComparer.Ordinal);
    private readonly List<(Dataset Dataset, ServiceProvider Parts)> _named = [];

    public NodeDatasets(
        IServiceProvider node, IConfiguration configuration, VersionedStore defaultStore, IOptions<DatasetsOptions> datasets,
        IOptions<NodeOptions> nodeOptions, TimeProvider time, ILogger<NodeDatasets> logger)
    {
        // The default store first: with the embedded Kafka it clears the whole data root, the
        // named datasets' directories under it included, before any of them opens.
        _ = defaultStore;
        RemovedDatasetsSweep.Run(nodeOptions.Value, datasets.Value, time, logger);
        Default = new Dataset(DatasetName.Default, node);
        _byName[Default.Name] = Default;
        foreach (var (name, options) in datasets.Value.Named.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var parts = DatasetContainer.Build(node, configuration, name, options);
            var dataset = new Dataset(name, parts);
            _byName[name] = dataset;
            _named.Add((dataset, parts));
        }
    }

    public Dataset Default { get; }

    /// <summary>Every dataset, the default first, then the named ones by name.</summary>
    public IEnumerable<Dataset> All => _byName.Values;

    /// <summary>The named datasets with their containers (whose hosted services <see cref="NamedDatasetsHost"/> runs).</summary>
    public IReadOnlyList<(Dataset Dataset, ServiceProvider Parts)> Named => _named;

    /// <summary>The dataset called <paramref name="name"/>, the default one for null, or null when this node serves none of that name.</summary>
    public Dataset? Find(string? name) => name is null ? Default : _byName.GetValueOrDefault(name);

    /// <summary>The dataset a request names in its route (<see cref="UserPaths.DatasetRouteValue"/>),
    /// the default one when its route names none, or null when it names one this node does not serve.</summary>
    public Dataset? Of(HttpContext context) =>
        context.Request.RouteValues.TryGetValue(UserPaths.DatasetRouteValue, out var name)
            ? name is string n ? _byName.GetValueOrDefault(n) : null
            : Default;

    public void Dispose()
    {
        foreach (var (_, parts) in _named)
        {
            parts.Dispose();
        }
    }
}
