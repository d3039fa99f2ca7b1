using System.Net.Http.Json;
using Sidecar.Common.Contracts;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration.Rules;

/// <summary>Starts nodes with a rules file, and reads their rules status.</summary>
internal static class RulesNode
{
    /// <summary>Kafka's group coordinator lets a killed member keep its source partitions until its
    /// session times out (45 s by default): short, so that a survivor takes them over within a test.</summary>
    private static readonly string[] ShortSession =
    [
        "--Kafka:Client:session.timeout.ms", "6000",
        "--Kafka:Client:heartbeat.interval.ms", "500",
    ];

    public static Task<NodeProcess> StartAsync(string dataRoot, KafkaMockProcess kafka, string datacenter, string id, string rulesFile, params string[] extra) =>
        NodeProcess.StartAsync(dataRoot, kafka.BootstrapServers, datacenter, id,
            ["--Rules:File", rulesFile, "--Rules:ReloadInterval", "00:00:00.200", .. ShortSession, .. extra]);

    public static async Task<RulesStatus> StatusAsync(NodeProcess node)
    {
        var status = await node.Http.GetFromJsonAsync("/admin/status", AdminJson.Default.NodeStatus);
        return status!.Rules ?? throw new InvalidOperationException($"{node.Process.Name} reports no rules");
    }

    /// <summary>The source partitions a node maps now (those it reports a lag for).</summary>
    public static async Task<RuleStatus> RuleAsync(NodeProcess node, string rule) => (await StatusAsync(node)).Rules.Single(r => r.Name == rule);

    public static async Task<HashSet<string>> OwnedAsync(NodeProcess node) => [.. (await StatusAsync(node)).SourceLag.Keys];

    /// <summary>Waits until the nodes of one datacenter have split the <paramref name="partitions"/>
    /// source partitions between them, each owning some: they share one consumer group.</summary>
    public static async Task WaitSplitAsync(IReadOnlyList<NodeProcess> nodes, int partitions, TimeSpan timeout)
    {
        var seen = "";
        try
        {
            await nodes[0].WaitAsync("the source partitions split between the nodes", async () =>
            {
                var owned = await Task.WhenAll(nodes.Select(OwnedAsync));
                seen = string.Join(" | ", nodes.Zip(owned, (n, o) => $"{n.Process.Name}: {string.Join(",", o.Order())}"));
                return owned.All(o => o.Count > 0) && owned.Sum(o => o.Count) == partitions && owned.SelectMany(o => o).Distinct().Count() == partitions;
            }, timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"owned: {seen}\n{e.Message}", e);
        }
    }
}
