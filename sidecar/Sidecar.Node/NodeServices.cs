using Sidecar.Common.Contracts;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sidecar.Common.Clocks;
using Sidecar.Node.Apply;
using Sidecar.Node.Api;
using Sidecar.Node.Configuration;
using Sidecar.Node.Coordination;
using Sidecar.Node.Datasets;
using Sidecar.Node.Health;
using Sidecar.Node.Ingest;
using Sidecar.Node.Kafka;
using Sidecar.Node.Metrics;
using Sidecar.Node.Model;
using Sidecar.Node.Rules;
using Sidecar.Node.Storage;
using Sidecar.Node.Versions;

namespace Sidecar.Node;

/// <summary>Registers the node's parts.</summary>
internal static class NodeServices
{
    public static IServiceCollection AddSidecarNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNodeOptions(configuration);
        services.AddOptions<DatasetsOptions>().Configure(o => configuration.GetSection(DatasetsOptions.Section).Bind(o.Named)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatasetsOptions>, DatasetsOptionsValidator>();
        services.AddOptions<RulesOptions>().Bind(configuration.GetSection(RulesOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>();
        services.AddSingleton<IValidateOptions<RulesOptions>, RulesFileValidator>();

        // What every dataset shares: one clock, one Kafka, one set of instruments, one block cache.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HybridLogicalClock(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<NodeOptions>>().Value.MaxClockDrift));
        services.AddSingleton<KafkaConnection>();
        services.AddSingleton<NodeInstruments>();
        services.AddSingleton<BlockCache>();
        services.AddSingleton<UpdateFactory>();
        services.AddSingleton<WriteService>();
        services.AddSingleton<Api.DigestLimiter>();
        services.AddSingleton<NodeDatasets>();
        var withConsul = !string.IsNullOrWhiteSpace(configuration[$"{ConsulOptions.Section}:{nameof(ConsulOptions.Address)}"]);
        if (withConsul)
        {
            // Downloads from an http(s) registry: no overall timeout, a round's cancellation (abort, deadline) ends one.
            services.AddHttpClient(nameof(VersionPreparer), http => http.Timeout = Timeout.InfiniteTimeSpan);
            services.AddHostedService<ConsulRegistration>();
        }

        // The default dataset's parts live in the node's own container, as they always did; each
        // named dataset gets a container of its own with the same parts (Datasets/DatasetContainer).
        services.AddSingleton(new DatasetScope(DatasetName.Default));
        services.AddDatasetParts(withConsul, clearWithEmbeddedKafka: true);
        services.AddHostedService<NamedDatasetsHost>();
        if (!string.IsNullOrWhiteSpace(configuration[$"{RulesOptions.Section}:{nameof(RulesOptions.File)}"]))
        {
            // Ingest rules: the team's event topics mapped to updates (docs/rules.md).
            services.AddSingleton<RuleMetrics>();
            services.AddSingleton<RuleCounts>();
            services.AddSingleton<RulesFile>();
            services.AddSingleton<RuleSender>();
            services.AddSingleton<RuleIngestStatus>();
            services.AddHostedService<RuleIngestService>();
        }

        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<IngestReadinessCheck>("ingest", tags: ["ready"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("sidecar-node"))
            .WithMetrics(metrics => metrics
                .AddMeter([NodeMetrics.MeterName, .. PlatformMetricNames.Meters])
                .AddView(PlatformMetricNames.HttpServerRequestDuration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = PlatformMetricNames.LatencyBuckets })
                .AddView(NodeMetricNames.IngestBatchDuration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = PlatformMetricNames.LatencyBuckets })
                // Scrapes see the current values, not a cached response.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>The options every dataset's parts read, bound from <paramref name="configuration"/>
    /// (a named dataset's container binds them from the node's configuration with its own settings over it).</summary>
    public static IServiceCollection AddNodeOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.Section)).ValidateOnStart();
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.Section)).ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section)).ValidateOnStart();
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddOptions<ConsulOptions>().Bind(configuration.GetSection(ConsulOptions.Section)).ValidateOnStart();
        services.AddOptions<RolloutOptions>().Bind(configuration.GetSection(RolloutOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddSingleton<IValidateOptions<ConsulOptions>, ConsulOptionsValidator>();
        services.AddSingleton<IValidateOptions<RolloutOptions>, RolloutOptionsValidator>();
        return services;
    }

    /// <summary>
    /// One dataset's parts: its versions on disk, its ingest loop and the version swap, and with
    /// Consul its snapshot agent and rollout coordinator (under the dataset's own keys). The
    /// node-wide parts they use (clock, Kafka, instruments) come from the node.
    /// </summary>
    public static IServiceCollection AddDatasetParts(this IServiceCollection services, bool withConsul, bool clearWithEmbeddedKafka)
    {
        services.AddSingleton(sp => new EnvelopeRules(
            sp.GetRequiredService<IOptions<ApiOptions>>().Value, sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<NodeOptions>>();
            if (clearWithEmbeddedKafka && string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<KafkaOptions>>().Value.BootstrapServers))
            {
                // The embedded Kafka starts empty every time, so offsets kept from an earlier run
                // would point past its end and skip new records: start the store empty too.
                VersionedStore.Clear(node.Value.DataRoot, sp.GetRequiredService<ILogger<VersionedStore>>());
            }

            return ActivatorUtilities.CreateInstance<VersionedStore>(sp);
        });
        services.AddSingleton<UpdateProducer>();
        services.AddSingleton<ApplyProgress>();
        services.AddSingleton<IngestStatus>();
        // Ingest: one setup of consumer, decoder and applier for live ingest and catch-ups; the loop
        // and its parts; the version swap, which ingest sees as one hook between two batches.
        services.AddSingleton<UpdateConsumers>();
        services.AddSingleton<CatchUp>();
        services.AddSingleton<VersionSwap>();
        services.AddSingleton<DeadLetterSender>();
        services.AddSingleton<BatchMetrics>();
        services.AddSingleton<BatchProcessor>();
        services.AddSingleton<ExpirySweep>();
        services.AddSingleton<PartitionDiscovery>();
        services.AddSingleton<LagMonitor>();
        services.AddSingleton<NodeMetrics>();
        if (withConsul)
        {
            // The snapshot agent that takes part in rollouts. It is registered before ingest so
            // that a joining node loads the committed version first.
            services.AddSingleton<NodeConsul>();
            services.AddSingleton<NodeSession>();
            services.AddSingleton<VersionPreparer>();
            services.AddHostedService<SnapshotAgent>();
            services.AddHostedService<RolloutCoordinator>();
        }

        services.AddHostedService<IngestService>();
        return services;
    }
}
