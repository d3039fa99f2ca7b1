using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Sidecar.Common.Clocks;
using Sidecar.Node.Api;
using Sidecar.Node.Configuration;
using Sidecar.Node.Health;
using Sidecar.Node.Ingest;
using Sidecar.Node.Kafka;
using Sidecar.Node.Metrics;
using Sidecar.Node.Storage;

namespace Sidecar.Node;

/// <summary>Registers the node's parts.</summary>
internal static class NodeServices
{
    public static IServiceCollection AddSidecarNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.Section)).ValidateOnStart();
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.Section)).ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section)).ValidateOnStart();
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HybridLogicalClock(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<NodeOptions>>().Value.MaxClockDrift));
        services.AddSingleton(sp => new EnvelopeRules(
            sp.GetRequiredService<IOptions<ApiOptions>>().Value, sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddSingleton<VersionedStore>();
        services.AddSingleton<KafkaConnection>();
        services.AddSingleton<UpdateProducer>();
        services.AddSingleton<ApplyProgress>();
        services.AddSingleton<IngestStatus>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<UpdateFactory>();
        services.AddSingleton<UpdateRequestParser>();
        services.AddSingleton<WriteService>();
        services.AddHostedService<IngestService>();

        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<IngestReadinessCheck>("ingest", tags: ["ready"]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(NodeMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return services;
    }
}
