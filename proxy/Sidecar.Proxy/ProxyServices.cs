using Sidecar.Common.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sidecar.Proxy.Configuration;
using Sidecar.Proxy.Forwarding;
using Sidecar.Proxy.Health;
using Sidecar.Proxy.Membership;
using Sidecar.Proxy.Metrics;
using Sidecar.Proxy.Routing;

namespace Sidecar.Proxy;

/// <summary>The proxy's services: options, membership sources, health, routing, forwarding, metrics.</summary>
internal static class ProxyServices
{
    public static IServiceCollection AddSidecarProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.Section));
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        // Node health's "since" and every other reading of the time: one clock, replaceable in tests.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MembershipStore>();
        services.AddSingleton<Router>();
        services.AddSingleton<RouteExplainer>();
        services.AddSingleton<NodeClient>();
        services.AddSingleton<UserForwarder>();
        services.AddSingleton<ProxyMetrics>();
        services.AddHttpForwarder();

        var options = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        if (!string.IsNullOrWhiteSpace(options.MembershipFile))
        {
            services.AddHostedService<FileMembershipSource>();
        }

        if (!string.IsNullOrWhiteSpace(options.Consul.Address))
        {
            services.AddHostedService<ConsulMembershipSource>();
        }

        services.AddHostedService<ActiveHealthChecker>();
        services.AddHealthChecks().AddCheck<ProxyReadinessCheck>("membership", tags: ["ready"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("sidecar-proxy"))
            .WithMetrics(m => m
                .AddMeter([ProxyMetrics.MeterName, .. PlatformMetricNames.Meters])
                .AddView(PlatformMetricNames.HttpServerRequestDuration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = PlatformMetricNames.LatencyBuckets })
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
