using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Common.Metrics;

namespace Sidecar.Testing;

/// <summary>An edge proxy as a real process on a loopback port.</summary>
public sealed class ProxyProcess : ServiceProcess
{
    private ProxyProcess(ChildProcess process, string url)
        : base(process, url)
    {
    }

    /// <summary>Starts a proxy for <paramref name="datacenter"/> with <paramref name="datacenters"/> in failover order; waits until it is live.</summary>
    public static async Task<ProxyProcess> StartAsync(string datacenter, IReadOnlyList<string> datacenters, params string[] extra)
    {
        var url = UrlFrom(extra);
        var args = new List<string> { "--urls", url, "--Proxy:Datacenter", datacenter };
        for (var i = 0; i < datacenters.Count; i++)
        {
            args.AddRange([$"--Proxy:Datacenters:{i}", datacenters[i]]);
        }

        args.AddRange(extra);
        var process = ChildProcess.StartDotnet($"proxy-{datacenter}-{url[^5..]}", Repo.Program("proxy/Sidecar.Proxy", "Sidecar.Proxy"), args);
        var proxy = new ProxyProcess(process, url);
        await proxy.WaitLiveAsync();
        return proxy;
    }

    /// <summary>Where the proxy sends a user now (<c>GET /proxy/route/{userId}</c>).</summary>
    public async Task<JsonElement> RouteAsync(string userId) =>
        await Http.GetFromJsonAsync<JsonElement>("/proxy/route/" + Uri.EscapeDataString(userId));

    /// <summary>The node id the proxy sends a user to now.</summary>
    public async Task<string> NodeOfAsync(string userId) =>
        (await Http.GetFromJsonAsync("/proxy/route/" + Uri.EscapeDataString(userId), AdminJson.Default.RouteExplanation))?.Node ?? "";

    public Task<double> MetricAsync(string name, string labels = "") => PrometheusText.SumAsync(Http, name, labels);
}
