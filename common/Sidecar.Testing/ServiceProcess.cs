namespace Sidecar.Testing;

/// <summary>One of this repository's services as a real child process with its HTTP API on a loopback port.</summary>
public abstract class ServiceProcess : IAsyncDisposable
{
    protected ServiceProcess(ChildProcess process, string url)
    {
        Process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ChildProcess Process { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    /// <summary>The URL to serve on: the last <c>--urls</c> among <paramref name="extra"/> (a fixed
    /// port, or a restart where the service was), else a free loopback port.</summary>
    protected static string UrlFrom(string[] extra)
    {
        var urls = Array.LastIndexOf(extra, "--urls");
        return urls >= 0 && urls + 1 < extra.Length ? extra[urls + 1] : $"http://127.0.0.1:{ChildProcess.FreePort()}";
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }

    /// <summary>
    /// Waits until the service answers <c>/health/live</c>, failing with its output if it dies
    /// first; a service that does not come up is stopped (nobody else holds it to stop it).
    /// </summary>
    protected async Task WaitLiveAsync()
    {
        try
        {
            await Wait.UntilAsync(Process, "live", async () => (await Http.GetAsync("/health/live")).IsSuccessStatusCode, Wait.StartTimeout);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }
}
