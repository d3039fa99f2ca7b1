using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary><c>sidecarctl registry serve</c> as a child process on a free loopback port; stopped by PID.</summary>
internal sealed class RegistryProcess : ServiceProcess
{
    private RegistryProcess(ChildProcess process, string url, string dir)
        : base(process, url) => Dir = dir;

    /// <summary>The directory it serves.</summary>
    public string Dir { get; }

    public static async Task<RegistryProcess> StartAsync(string dir, params string[] extra)
    {
        var url = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var process = ChildProcess.StartDotnet("registry", Repo.Program("tools/Sidecar.Cli", "sidecarctl"), ["registry", "serve", "--dir", dir, "--urls", url, .. extra]);
        var registry = new RegistryProcess(process, url + "/", dir);
        await registry.WaitLiveAsync();
        return registry;
    }
}
