using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>Runs the real sidecarctl as a child process.</summary>
internal static class Cli
{
    public static Task<(int Exit, string Output)> RunAsync(params string[] args) => SidecarCtl.RunAsync(args);
}
