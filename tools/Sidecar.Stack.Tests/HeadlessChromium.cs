using Sidecar.Testing;

namespace Sidecar.Stack.Tests;

/// <summary>
/// Debian's Chromium, headless, one fresh profile per run: <c>--dump-dom</c> gives the page's DOM
/// after its scripts ran (virtual time lets the page's fetches finish), <c>--screenshot</c> a PNG.
/// The binary comes from <c>SIDECAR_CHROMIUM</c>, else from <c>tools/chromium/ensure-chromium.sh</c>.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly Lazy<Task<string>> Binary = new(() => ToolBinary.FindAsync("SIDECAR_CHROMIUM", "tools/chromium/ensure-chromium.sh"));

    public static async Task<string> DumpDomAsync(string url)
    {
        var (exit, output) = await RunAsync(["--dump-dom", url]);
        return exit == 0 ? output : throw new InvalidOperationException($"chromium --dump-dom exited {exit}:\n{output}");
    }

    public static async Task ScreenshotAsync(string url, string path)
    {
        var (exit, output) = await RunAsync([$"--screenshot={path}", url]);
        if (exit != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"chromium --screenshot exited {exit}:\n{output}");
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(IEnumerable<string> args)
    {
        using var profile = new TempDir();
        var all = new List<string>
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
            $"--user-data-dir={profile.Path}", "--window-size=1440,1250", "--virtual-time-budget=8000",
        };
        all.AddRange(args);
        var stdout = new List<string>();
        await using var chromium = ChildProcess.Start("chromium", await Binary.Value, all, profile.Path, onLine: line =>
        {
            lock (stdout)
            {
                stdout.Add(line);
            }
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await chromium.WaitForExitAsync(cts.Token);
        await Task.Delay(100);
        lock (stdout)
        {
            return (chromium.ExitCode, string.Join('\n', stdout));
        }
    }
}
