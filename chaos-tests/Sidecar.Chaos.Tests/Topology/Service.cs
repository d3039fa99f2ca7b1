using Docker.DotNet.Models;
using DotNet.Testcontainers.Containers;

namespace Sidecar.Chaos.Tests.Topology;

/// <summary>
/// One container of the topology: its alias on the networks, and what faults do to it. The test
/// reaches it only through its HTTP port published on 127.0.0.1; the port can change when the
/// container is started again, so <see cref="Http"/> is looked up at each use.
/// </summary>
internal sealed class Service
{
    public const int HttpPort = 8080;

    private readonly ChaosRun _run;
    private HttpClient? _http;

    public Service(ChaosRun run, string alias, string datacenter, IContainer container)
    {
        _run = run;
        Alias = alias;
        Datacenter = datacenter;
        Container = container;
    }

    public string Alias { get; }

    public string Datacenter { get; }

    public IContainer Container { get; }

    /// <summary>HTTP to the container's port 8080, through the port Docker published on 127.0.0.1.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException($"{Alias} has not been started");

    /// <summary>Joins another network (a container joins one at creation), under its alias or, when given, only another name.</summary>
    public async Task ConnectAsync(string network, string? alias = null)
    {
        await _run.Docker.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters
        {
            Container = Container.Id,
            EndpointConfig = new EndpointSettings { Aliases = [alias ?? Alias] },
        });
    }

    public async Task DisconnectAsync(string networkId) =>
        await _run.Docker.Networks.DisconnectNetworkAsync(networkId, new NetworkDisconnectParameters { Container = Container.Id, Force = true });

    /// <summary>kill -9: no shutdown of any kind.</summary>
    public async Task KillAsync() =>
        await _run.Docker.Containers.KillContainerAsync(Container.Id, new ContainerKillParameters { Signal = "KILL" });

    /// <summary>Starts the container again after a kill; its filesystem (the node's RocksDB) is kept.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await _run.Docker.Containers.StartContainerAsync(Container.Id, new ContainerStartParameters(), cancellationToken);
        await FindPortAsync(cancellationToken);
    }

    /// <summary>Looks up the host port Docker published port 8080 on (again after a restart: it may change).</summary>
    public async Task FindPortAsync(CancellationToken cancellationToken = default)
    {
        var inspect = await _run.Docker.Containers.InspectContainerAsync(Container.Id, cancellationToken);
        IList<PortBinding>? bindings = null;
        inspect.NetworkSettings?.Ports?.TryGetValue($"{HttpPort}/tcp", out bindings);
        var binding = bindings?.FirstOrDefault()
            ?? throw new InvalidOperationException($"{Alias} has no published port after restart");
        _http = Client(ushort.Parse(binding.HostPort, System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task PauseAsync() => _run.Docker.Containers.PauseContainerAsync(Container.Id);

    public Task UnpauseAsync() => _run.Docker.Containers.UnpauseContainerAsync(Container.Id);

    /// <summary>Runs a command in the container; throws with its output if it fails.</summary>
    public async Task<string> ExecAsync(params string[] command)
    {
        var result = await Container.ExecAsync(command);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Alias}: `{string.Join(' ', command)}` exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        }

        return result.Stdout;
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 2xx.</summary>
    public async Task WaitHttpAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not up yet; or published on another port than first seen.
                last = e.Message;
                await FindPortAsync();
            }

            if (DateTime.UtcNow > deadline)
            {
                var (stdout, stderr) = await Container.GetLogsAsync();
                throw new TimeoutException($"{Alias}: GET {Http.BaseAddress}{path} did not answer 2xx within {timeout} (last: {last}):\n{Tail(stdout + stderr)}");
            }

            await Task.Delay(200);
        }
    }

    public async Task<string> LogsAsync(int lines = 40)
    {
        var (stdout, stderr) = await Container.GetLogsAsync();
        return Tail(stdout + stderr, lines);
    }

    private static HttpClient Client(ushort port) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

    private static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
