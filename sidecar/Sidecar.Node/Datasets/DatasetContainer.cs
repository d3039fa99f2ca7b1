using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sidecar.Common.Clocks;
using Sidecar.Node.Configuration;
using Sidecar.Node.Kafka;
using Sidecar.Node.Metrics;
using Sidecar.Node.Storage;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Datasets;

/// <summary>
/// Builds the service container of one named dataset: the same parts as the default dataset's
/// (<see cref="NodeServices.AddDatasetParts"/>), bound from the node's configuration with the
/// dataset's own settings over it, so every part reads its dataset's data root, topics, list cap,
/// rollout settings (<c>Datasets:&lt;name&gt;:Rollout:*</c>) and Consul keys through the options it
/// always read. The node-wide parts are the node's
/// instances: one clock, one Kafka connection, one set of instruments, one block cache, one health
/// and lifetime.
/// </summary>
internal static class DatasetContainer
{
    public static ServiceProvider Build(IServiceProvider node, IConfiguration configuration, string name, DatasetOptions dataset)
    {
        var consul = node.GetRequiredService<IOptions<ConsulOptions>>().Value;
        var own = Configuration(configuration, node.GetRequiredService<IOptions<NodeOptions>>().Value, consul, name, dataset);

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(own);
        services.AddNodeOptions(own);
        services.AddSingleton(new DatasetScope(name));
        services.AddSingleton<ILoggerFactory>(new DatasetLoggerFactory(node.GetRequiredService<ILoggerFactory>(), name));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        Share<TimeProvider>(services, node);
        Share<HybridLogicalClock>(services, node);
        Share<KafkaConnection>(services, node);
        Share<NodeInstruments>(services, node);
        Share<BlockCache>(services, node);
        Share<HealthCheckService>(services, node);
        Share<IHostApplicationLifetime>(services, node);
        var withConsul = !string.IsNullOrWhiteSpace(consul.Address);
        if (withConsul)
        {
            Share<IHttpClientFactory>(services, node);
        }

        services.AddDatasetParts(withConsul, clearWithEmbeddedKafka: false);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The configuration a named dataset's parts bind their options from: the node's, with
    /// the dataset's <see cref="Settings"/> and its own <c>Rollout:*</c> keys over it.</summary>
    public static IConfiguration Configuration(IConfiguration node, NodeOptions nodeOptions, ConsulOptions consul, string name, DatasetOptions dataset) =>
        new ConfigurationBuilder()
            .AddConfiguration(node)
            .AddInMemoryCollection(Settings(nodeOptions, consul, name, dataset))
            .AddInMemoryCollection(dataset.Rollout.Select(pair => KeyValuePair.Create($"{RolloutOptions.Section}:{pair.Key}", pair.Value)))
            .Build();

    /// <summary>What a named dataset sets over the node's configuration: where its versions live,
    /// its topics, its store settings and its Consul keys.</summary>
    public static Dictionary<string, string?> Settings(NodeOptions node, ConsulOptions consul, string name, DatasetOptions dataset)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{NodeOptions.Section}:{nameof(NodeOptions.DataRoot)}"] = DataRoot(node.DataRoot, name),
            [$"{KafkaOptions.Section}:{nameof(KafkaOptions.UpdatesTopic)}"] = dataset.Topic,
            [$"{KafkaOptions.Section}:{nameof(KafkaOptions.DeadLetterTopic)}"] = dataset.DeadLetters,
            [$"{ConsulOptions.Section}:{nameof(ConsulOptions.KvPrefix)}"] = RolloutKeys.DatasetPrefix(consul.KvPrefix, name),
        };
        if (dataset.ListCap is { } cap)
        {
            settings[$"{StoreOptions.Section}:{nameof(StoreOptions.ListCap)}"] = cap.ToString(CultureInfo.InvariantCulture);
        }

        if (dataset.ReadCacheEntries is { } entries)
        {
            settings[$"{StoreOptions.Section}:{nameof(StoreOptions.ReadCacheEntries)}"] = entries.ToString(CultureInfo.InvariantCulture);
        }

        if (dataset.Partitions is { } partitions)
        {
            settings[$"{StoreOptions.Section}:{nameof(StoreOptions.Partitions)}"] = partitions.ToString(CultureInfo.InvariantCulture);
        }

        if (dataset.ItemTtl is { } itemTtl)
        {
            settings[$"{StoreOptions.Section}:{nameof(StoreOptions.ItemTtl)}"] = itemTtl.ToString("c", CultureInfo.InvariantCulture);
        }

        if (dataset.Ttl is { } ttl)
        {
            settings[$"{StoreOptions.Section}:{nameof(StoreOptions.Ttl)}"] = ttl.ToString("c", CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>The folder of the node's data root that holds the named datasets.</summary>
    public const string Folder = "datasets";

    /// <summary>A named dataset's data root: <c>&lt;Node:DataRoot&gt;/datasets/&lt;name&gt;</c> (the default dataset keeps the node's).</summary>
    public static string DataRoot(string nodeDataRoot, string name) => Path.Combine(nodeDataRoot, Folder, name);

    private static void Share<T>(IServiceCollection services, IServiceProvider node)
        where T : class =>
        services.AddSingleton(node.GetRequiredService<T>());
}
