using System.Globalization;
using System.Text;

namespace Sidecar.Testing;

/// <summary>
/// A real Prometheus server (Debian's package) in a child process on a loopback port, scraping
/// the given targets' <c>/metrics</c> every <see cref="ScrapeInterval"/> and evaluating the given
/// alert rules; its data in a directory of its own. The binary comes from
/// <c>SIDECAR_PROMETHEUS</c>, else from <c>tools/prometheus/ensure-prometheus.sh</c>. Stopped by
/// PID: SIGTERM, then SIGKILL.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(2);

    private static readonly Lazy<Task<string>> Binary = new(() => ToolBinary.FindAsync("SIDECAR_PROMETHEUS", "tools/prometheus/ensure-prometheus.sh"));

    private readonly TempDir? _ownDir;

    private PrometheusServer(ChildProcess process, string url, TempDir? ownDir)
    {
        Process = process;
        Url = url;
        _ownDir = ownDir;
    }

    public ChildProcess Process { get; }

    /// <summary>Its web UI and HTTP API (<c>/api/v1/...</c>).</summary>
    public string Url { get; }

    /// <param name="jobs">Scrape jobs by name: each target an address (host:port) with the labels it gets.</param>
    /// <param name="ruleFiles">Alert and recording rule files it evaluates.</param>
    /// <param name="directory">Where its configuration and data go; a directory of its own when null.</param>
    public static async Task<PrometheusServer> StartAsync(int port, IReadOnlyDictionary<string, IReadOnlyList<ScrapeTarget>> jobs, IEnumerable<string> ruleFiles, string? directory = null)
    {
        var binary = await Binary.Value;
        var ownDir = directory is null ? new TempDir() : null;
        var dir = directory ?? ownDir!.Path;
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, Config(jobs, ruleFiles));
        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        var process = ChildProcess.Start("prometheus", binary,
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            string.Create(CultureInfo.InvariantCulture, $"--web.listen-address=127.0.0.1:{port}"), "--log.level=warn",
        ], dir);
        var server = new PrometheusServer(process, url, ownDir);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Wait.UntilAsync(process, "Prometheus ready", async () =>
            {
                try
                {
                    return (await http.GetAsync(url + "/-/ready")).IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, Wait.StartTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>prometheus.yml: one job per group of targets, each target with its labels.</summary>
    public static string Config(IReadOnlyDictionary<string, IReadOnlyList<ScrapeTarget>> jobs, IEnumerable<string> ruleFiles)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"global:\n  scrape_interval: {ScrapeInterval.TotalSeconds}s\n  evaluation_interval: {ScrapeInterval.TotalSeconds}s\n");
        yaml.Append("rule_files:\n");
        foreach (var file in ruleFiles)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - '{file}'\n");
        }

        yaml.Append("scrape_configs:\n");
        foreach (var (job, targets) in jobs)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - job_name: '{job}'\n    static_configs:\n");
            foreach (var target in targets)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"      - targets: ['{target.Address}']\n");
                if (target.Labels.Count > 0)
                {
                    yaml.Append("        labels:\n");
                }

                foreach (var (name, value) in target.Labels)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"          {name}: '{value}'\n");
                }
            }
        }

        return yaml.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _ownDir?.Dispose();
    }
}

/// <summary>A process Prometheus scrapes: its address (host:port) and the labels its series get.</summary>
public sealed record ScrapeTarget(string Address, IReadOnlyDictionary<string, string> Labels);
