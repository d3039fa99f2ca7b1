using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;

namespace Sidecar.Chaos.Tests.Topology;

/// <summary>Creates a service's container: a local image (never pulled), labelled with the run id,
/// on one network under its alias, port 8080 published on 127.0.0.1 only; <c>files</c> (path to
/// text) are copied in.</summary>
internal static class ServiceBuilder
{
    public static Service Create(ChaosRun run, string alias, string datacenter, string image, INetwork network, IReadOnlyList<string> command, bool netAdmin = false, string? bind = null, IReadOnlyDictionary<string, string>? files = null)
    {
        var builder = new ContainerBuilder(ChaosRun.Image(image));
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            // Copied into the container before it starts; kept across kill and restart.
            builder = builder.WithResourceMapping(System.Text.Encoding.UTF8.GetBytes(text), path);
        }

        var container = builder
            .WithImagePullPolicy(PullPolicy.Never)
            .WithName($"{run.Id}-{alias}")
            .WithLabel(ChaosRun.Label, run.Id)
            .WithLabel(ChaosRun.SessionLabel, ChaosRun.Session)
            .WithNetwork(network)
            .WithNetworkAliases(alias)
            .WithCommand([.. command])
            .WithCreateParameterModifier(parameters =>
            {
                parameters.ExposedPorts ??= new Dictionary<string, EmptyStruct>();
                parameters.ExposedPorts[$"{Service.HttpPort}/tcp"] = default;
                parameters.HostConfig ??= new HostConfig();
                parameters.HostConfig.PortBindings ??= new Dictionary<string, IList<PortBinding>>();
                parameters.HostConfig.PortBindings[$"{Service.HttpPort}/tcp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "" }];
                if (bind is not null)
                {
                    parameters.HostConfig.Binds = [bind];
                }

                if (netAdmin)
                {
                    // For iptables and tc inside the container (wan loss and bandwidth caps).
                    parameters.HostConfig.CapAdd = ["NET_ADMIN"];
                }
            })
            .Build();
        return new Service(run, alias, datacenter, container);
    }

    public static INetwork Network(ChaosRun run, string name) =>
        new NetworkBuilder().WithName($"{run.Id}-{name}").WithLabel(ChaosRun.Label, run.Id).WithLabel(ChaosRun.SessionLabel, ChaosRun.Session).Build();
}
