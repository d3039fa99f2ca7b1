using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Contracts;

namespace Sidecar.Testing;

/// <summary>A sidecar node as a real process on a loopback port, with its own data root.</summary>
public sealed class NodeProcess : ServiceProcess
{
    private NodeProcess(ChildProcess process, string url, string dataRoot)
        : base(process, url)
    {
        DataRoot = dataRoot;
    }

    public string DataRoot { get; }

    /// <summary>Starts a node; <paramref name="bootstrap"/> null means the embedded mock Kafka.</summary>
    public static async Task<NodeProcess> StartAsync(string dataRoot, string? bootstrap, string datacenter = "dc-a", string id = "n1", params string[] extra)
    {
        var url = UrlFrom(extra);
        var args = new List<string>
        {
            "--urls", url, "--Node:Id", id, "--Node:Datacenter", datacenter, "--Node:DataRoot", dataRoot,
            "--Kafka:DiscoveryInterval", "00:00:00.500",
        };
        if (bootstrap is not null)
        {
            args.AddRange(["--Kafka:BootstrapServers", bootstrap]);
        }

        args.AddRange(extra);
        var process = ChildProcess.StartDotnet($"node-{id}", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"), args);
        var node = new NodeProcess(process, url, dataRoot);
        await node.WaitLiveAsync();
        return node;
    }

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/admin/status");

    /// <summary>Sum over the node's partitions of the next offset to apply: how many records it has consumed.</summary>
    public async Task<long> ConsumedAsync() =>
        (await Http.GetFromJsonAsync("/admin/status", AdminJson.Default.NodeStatus))!.Positions.Values.Sum();

    /// <summary>The value of an unlabelled series on /metrics (0 when absent).</summary>
    public async Task<long> MetricAsync(string series)
    {
        var metrics = await Http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal) || l.StartsWith(series + "{", StringComparison.Ordinal));
        return line is null ? 0 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string> DigestAsync() => (await Http.GetFromJsonAsync("/admin/digest", AdminJson.Default.NodeDigest))!.Digest;

    public async Task WaitConsumedAsync(long records, TimeSpan timeout) =>
        await WaitAsync($"{records} records consumed", async () => await ConsumedAsync() >= records, timeout);

    public Task WaitAsync(string what, Func<Task<bool>> condition, TimeSpan timeout) => Wait.UntilAsync(Process, what, condition, timeout);
}
