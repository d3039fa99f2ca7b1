using System.Globalization;
using Sidecar.Testing;

namespace Sidecar.Stack.Tests;

/// <summary>
/// <c>sidecar-stack up</c> (what ./run.sh runs) as a real child process on a free block of ports,
/// its data in a temporary folder. Up once it prints that both datacenters are up.
/// </summary>
internal sealed class StackProcess : IAsyncDisposable
{
    /// <summary>Starting 12 processes on a loaded 2-core machine can take minutes.</summary>
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(4);

    // Dashboard, proxies, nodes, replicators, Consul (HTTP, then serf and server RPC), the nodes'
    // h2c listeners: every port the stack binds below the ephemeral range (StackLayout).
    private static readonly int[] Offsets = [0, 1, 2, 11, 12, 21, 22, 31, 32, 41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 52, 61, 62];

    private readonly TempDir _data;

    private StackProcess(ChildProcess process, int basePort, TempDir data)
    {
        Process = process;
        BasePort = basePort;
        _data = data;
    }

    public ChildProcess Process { get; }

    public int BasePort { get; }

    public string Dashboard => Url(0);

    public string ProxyA => Url(1);

    public string ProxyB => Url(2);

    public string ConsulA => Url(41);

    public string Prometheus => Url(49);

    public IReadOnlyList<string> Replicators => [Url(31), Url(32)];

    /// <summary>The stack's data folder (<c>up --data</c>), where it writes each datacenter's Kafka bootstrap.</summary>
    public string DataRoot => _data.Sub("stack");

    public string Url(int offset) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{BasePort + offset}");

    public static async Task<StackProcess> StartAsync(int nodesPerDatacenter)
    {
        var basePort = FreeBlock();
        var data = new TempDir();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.StartDotnet("stack", Repo.Program("tools/Sidecar.Stack", "sidecar-stack"),
            ["up", "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--nodes", nodesPerDatacenter.ToString(CultureInfo.InvariantCulture), "--data", data.Sub("stack")],
            onLine: line =>
            {
                if (line.StartsWith("Two datacenters are up", StringComparison.Ordinal))
                {
                    up.TrySetResult();
                }
            });
        var stack = new StackProcess(process, basePort, data);
        try
        {
            await Task.WhenAny(up.Task, process.WaitForExitAsync(CancellationToken.None)).WaitAsync(UpTimeout);
            if (!up.Task.IsCompleted)
            {
                throw new InvalidOperationException($"the stack exited ({process.ExitCode}) before it was up:\n{process.Output}");
            }

            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The PIDs of every process below the stack's (its parts, and whatever they started).</summary>
    public IReadOnlyList<int> Descendants() => ProcTree.Descendants(Process.Pid);

    /// <summary>
    /// SIGTERM to the launcher, which stops its parts (<see cref="ShutdownTests"/>); a stack of
    /// several nodes per datacenter can take longer than <see cref="ChildProcess"/>'s own 10 s
    /// before it kills the launcher alone, which left the Consul agents and Kafka hosts running
    /// without a parent. So: the launcher's whole shutdown is waited for, and whatever of its
    /// process tree is still alive afterwards (it hung, or was killed) is killed by PID.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var parts = Descendants().ToDictionary(p => p, ProcTree.CommandLine);
        try
        {
            await Process.TerminateAsync(TimeSpan.FromSeconds(90));
        }
        catch (OperationCanceledException)
        {
            // Hung: killed below with its parts.
        }

        await Process.DisposeAsync();
        foreach (var (pid, commandLine) in parts)
        {
            // The same process, not another that took the PID since.
            if (ProcTree.IsAlive(pid) && ProcTree.CommandLine(pid) == commandLine)
            {
                try
                {
                    using var left = System.Diagnostics.Process.GetProcessById(pid);
                    left.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Gone meanwhile.
                }
            }
        }

        _data.Dispose();
    }

    /// <summary>A base port whose every offset the stack uses is free now (below the ephemeral range: see <see cref="FreePorts"/>).</summary>
    private static int FreeBlock() => FreePorts.Block(Offsets);
}
