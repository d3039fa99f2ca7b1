using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary><c>sidecarctl registry serve</c> as a child process on a free loopback port; stopped by PID.</summary>
internal sealed class RegistryProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RegistryProcess(ChildProcess process, string dir, Uri url)
    {
        _process = process;
        Dir = dir;
        Url = url;
    }

    public string Dir { get; }

    public Uri Url { get; }

    public static async Task<RegistryProcess> StartAsync(string dir)
    {
        var url = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}/");
        var process = ChildProcess.StartDotnet("registry", Repo.Program("tools/Sidecar.Cli", "sidecarctl"),
            ["registry", "serve", "--dir", dir, "--urls", url.ToString().TrimEnd('/')]);
        var registry = new RegistryProcess(process, dir, url);
        try
        {
            using var http = new HttpClient();
            await Wait.UntilAsync(process, "the registry listening", async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(url, "none/manifest.json"));
                    return response.StatusCode == System.Net.HttpStatusCode.NotFound;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30));
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
