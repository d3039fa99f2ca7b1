using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sidecar.Chaos.Tests.Topology;

/// <summary>
/// One test's Docker resources: every container and network carries the label
/// <see cref="Label"/> = <see cref="Id"/>, so that what a crashed run leaves behind can be swept
/// (test.sh does, with `docker ... --filter label=sidecar.chaos.run`).
/// </summary>
internal sealed class ChaosRun : IAsyncDisposable
{
    public const string Label = "sidecar.chaos.run";

    /// <summary>Images built by compose/images/build.sh; the tag can be changed for a run.</summary>
    public static readonly string ImageTag = Environment.GetEnvironmentVariable("SIDECAR_IMAGE_TAG") is { Length: > 0 } tag ? tag : "local";

    public ChaosRun(string scenario)
    {
        Id = $"{scenario.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";
        Docker = new DockerClientBuilder().WithApiVersion(new System.Version(1, 41)).Build();
    }

    public string Id { get; }

    public DockerClient Docker { get; }

    public static string Image(string name) => $"sidecar-{name}:{ImageTag}";

    /// <summary>Removes every container and network of this run, whatever state they are in.</summary>
    public async Task SweepAsync()
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Label}={Id}"] = true } };
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        await Task.WhenAll(containers.Select(c => Ignore(() => Docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }))));
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        await Task.WhenAll(networks.Select(n => Ignore(() => Docker.Networks.DeleteNetworkAsync(n.ID))));
    }

    public async ValueTask DisposeAsync()
    {
        await SweepAsync();
        Docker.Dispose();
    }

    private static async Task Ignore(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (DockerApiException)
        {
            // Already gone.
        }
    }
}
