using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Sidecar.Testing;

namespace Sidecar.Stack.Tests;

/// <summary>SIGTERM to the launcher alone (its parts get no signal): it stops every part by PID and leaves nothing behind.</summary>
public sealed partial class ShutdownTests
{
    [Fact]
    public async Task Sigterm_to_the_launcher_leaves_no_child_process_and_no_temp_dir()
    {
        await using var stack = await StackProcess.StartAsync(nodesPerDatacenter: 1);
        var children = stack.Descendants();
        var commandLines = children.ToDictionary(p => p, ProcTree.CommandLine);
        // 2 Consul agents, 2 Kafka hosts, 2 nodes, 2 replicators, 2 proxies, the dashboard.
        Assert.True(children.Count >= 11, "children: " + string.Join("\n", commandLines.Values));
        var consulDirs = commandLines.Values.Select(c => ConsulConfig().Match(c)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, consulDirs.Count);
        Assert.All(consulDirs, d => Assert.True(Directory.Exists(d), d));

        Assert.Equal(0, Kill(stack.Process.Pid, 15));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await stack.Process.WaitForExitAsync(cts.Token);

        Assert.Equal(0, stack.Process.ExitCode);
        var alive = children.Where(ProcTree.IsAlive).Select(p => $"{p}: {commandLines[p]}").ToList();
        Assert.True(alive.Count == 0, "still running:\n" + string.Join("\n", alive));
        Assert.All(consulDirs, d => Assert.False(Directory.Exists(d), d + " is left behind"));
        Assert.Contains("stopped; nothing left running", stack.Process.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"-config-file (\S+)/agent\.hcl")]
    private static partial Regex ConsulConfig();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
