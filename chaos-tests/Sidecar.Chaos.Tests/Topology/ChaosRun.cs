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

    /// <summary>Second label: the session (one ./test.sh run) that started the run, so that a
    /// script sweeps its own leftovers and never another session's running containers.</summary>
    public const string SessionLabel = "sidecar.chaos.session";

    public static readonly string Session = Environment.GetEnvironmentVariable("SIDECAR_CHAOS_SESSION") is { Length: > 0 } session ? session : "manual";

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

    /// <summary>A host directory of this run, shared with containers by a bind mount (the snapshot registry).</summary>
    public string HostDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "sidecar-chaos", Id, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Runs a container to completion (sidecarctl): created, started, waited for; returns its exit
    /// code and output. Plain Docker API calls: the container may exit before any readiness check.
    /// </summary>
    public async Task<(long Exit, string Output)> RunToCompletionAsync(string image, string name, string network, string? bind, IReadOnlyList<string> command, TimeSpan timeout, IReadOnlyList<string>? entrypoint = null)
    {
        var parameters = new CreateContainerParameters
        {
            Image = Image(image),
            Name = $"{Id}-{name}",
            Labels = new Dictionary<string, string> { [Label] = Id, [SessionLabel] = Session },
            Cmd = [.. command],
            HostConfig = new HostConfig { NetworkMode = network, Binds = bind is null ? [] : [bind] },
        };
        if (entrypoint is not null)
        {
            parameters.Entrypoint = [.. entrypoint];
        }

        var created = await Docker.Containers.CreateContainerAsync(parameters);
        using var cancel = new CancellationTokenSource(timeout);
        await Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancel.Token);
        var exit = await Docker.Containers.WaitContainerAsync(created.ID, cancel.Token);
        var output = new System.Text.StringBuilder();
        await Docker.Containers.GetContainerLogsAsync(created.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true },
            new Progress<string>(line => { lock (output) { output.AppendLine(line); } }), cancel.Token);
        await Docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        lock (output)
        {
            return (exit.StatusCode, output.ToString());
        }
    }

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
        try
        {
            Directory.Delete(Path.Combine(Path.GetTempPath(), "sidecar-chaos", Id), recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Written by containers as root: a non-root developer's run leaves it in /tmp.
        }
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
