using System.Diagnostics;
using Sidecar.Testing;

namespace Sidecar.Compose.Tests;

/// <summary>
/// One run of compose/docker-compose.yml with compose/offline.yml through Debian's
/// docker-compose (1.29), under a project name of its own. Every published port is left to the
/// engine (the port variables are set empty), so runs never clash with each other or with other
/// suites; <see cref="UrlAsync"/> asks which port a service got.
/// </summary>
internal sealed class ComposeProject
{
    /// <summary>Prefix of every project name: test.sh removes what a crashed run left behind.</summary>
    public const string NamePrefix = "sidecar-compose-";

    private static readonly string[] PortVariables =
    [
        "SIDECAR_CONSUL_A_PORT", "SIDECAR_CONSUL_B_PORT", "SIDECAR_PROXY_A_PORT", "SIDECAR_PROXY_B_PORT",
        "SIDECAR_NODE_A1_PORT", "SIDECAR_NODE_A2_PORT", "SIDECAR_NODE_B1_PORT", "SIDECAR_NODE_B2_PORT", "SIDECAR_PROMETHEUS_PORT",
    ];

    private readonly Dictionary<string, string> _env = [];

    public ComposeProject()
    {
        Name = NamePrefix + Guid.NewGuid().ToString("N")[..8];
        foreach (var variable in PortVariables)
        {
            _env[variable] = "";
        }

        // Debian's engine (20.10) speaks API 1.41 at most; a value already set wins.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_API_VERSION")))
        {
            _env["DOCKER_API_VERSION"] = "1.41";
        }
    }

    public string Name { get; }

    public Task<string> UpAsync(TimeSpan timeout) => ComposeAsync(["up", "-d"], timeout);

    public Task<string> DownAsync(TimeSpan timeout) => ComposeAsync(["down", "-v", "--remove-orphans", "-t", "3"], timeout);

    public Task<string> LogsAsync(TimeSpan timeout) => ComposeAsync(["logs", "--no-color", "--tail", "40"], timeout);

    /// <summary>The URL on 127.0.0.1 of a service's published port (8080, every sidecar service's).</summary>
    public async Task<Uri> UrlAsync(string service, TimeSpan timeout, int port = 8080)
    {
        // docker itself, not docker-compose: a Python start per question costs seconds on a busy machine.
        var id = Lines(await RunAsync("docker", ["ps", "-q", "--filter", ProjectLabel, "--filter", $"label=com.docker.compose.service={service}"], timeout)).Single();
        var binding = Lines(await RunAsync("docker", ["port", id, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], timeout)).FirstOrDefault() ?? "";
        return binding.StartsWith("127.0.0.1:", StringComparison.Ordinal)
            ? new Uri($"http://{binding}/")
            : throw new InvalidOperationException($"{service}'s port {port} is published at '{binding}', not on 127.0.0.1");
    }

    /// <summary>Each container of the project: name, state, exit code, health ("" without a health check).</summary>
    public async Task<IReadOnlyList<ContainerState>> ContainersAsync(TimeSpan timeout)
    {
        var ids = Lines(await RunAsync("docker", ["ps", "-aq", "--filter", ProjectLabel], timeout));
        if (ids.Length == 0)
        {
            return [];
        }

        var lines = await RunAsync("docker",
            ["inspect", "--format", "{{.Name}}|{{.State.Status}}|{{.State.ExitCode}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}", .. ids], timeout);
        return [.. Lines(lines).Where(l => l.StartsWith('/')).Select(ContainerState.Parse)];
    }

    /// <summary>docker-compose labels every container with its project.</summary>
    private string ProjectLabel => $"label=com.docker.compose.project={Name}";

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private Task<string> ComposeAsync(IEnumerable<string> args, TimeSpan timeout) =>
        RunAsync("docker-compose", ["-f", Path.Combine(Repo.Root, "compose", "docker-compose.yml"), "-f", Path.Combine(Repo.Root, "compose", "offline.yml"), "-p", Name, .. args], timeout);

    /// <summary>Runs a command to its end; its output, or an exception with it when it fails or overruns.</summary>
    private async Task<string> RunAsync(string program, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await using var process = ChildProcess.Start(program, program, args, Repo.Root, _env);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await process.KillAsync();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}:\n{process.Output}");
        }

        return process.ExitCode == 0
            ? process.Output
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode} after {clock.Elapsed.TotalSeconds:F0} s:\n{process.Output}");
    }
}
