using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Proxy.Tests.Integration;

/// <summary>
/// Real nodes on loopback, two datacenters: dc-a (a1, a2, a3) and dc-b (b1, b2), each node
/// with its embedded Kafka (only routing matters here, not replication), and each also with an
/// HTTP/2 clear-text listener; membership files list <see cref="H2cListed"/> at theirs, so the
/// tests forward over both protocols and lose nodes of both kinds. Shared by the
/// integration tests; a test that kills or stops nodes calls <see cref="RestoreAsync"/> at its end
/// (and every test at its start), so each one begins with all five up.
/// </summary>
public sealed class Cluster : IAsyncLifetime
{
    public static readonly string[] Datacenters = ["dc-a", "dc-b"];

    private readonly TempDir _dir = new();

    // Two node starts at a time: five at once on two busy cores can outlast a node's start timeout.
    private readonly SemaphoreSlim _starting = new(2);
    private readonly Dictionary<string, NodeProcess> _nodes = [];
    private readonly Dictionary<string, string> _urls = [];
    private readonly Dictionary<string, int> _h2cPorts = [];

    public static IReadOnlyList<(string Id, string Datacenter)> Layout { get; } =
        [("a1", "dc-a"), ("a2", "dc-a"), ("a3", "dc-a"), ("b1", "dc-b"), ("b2", "dc-b")];

    /// <summary>Nodes that membership files list at their h2c listener (<c>h2c://</c>): a1 is the one the loss tests kill, b1 takes dc-a's users when dc-a stops.</summary>
    public static IReadOnlySet<string> H2cListed { get; } = new HashSet<string> { "a1", "b1" };

    public string Url(string id) => _urls[id];

    public int H2cPort(string id) => _h2cPorts[id];

    public NodeProcess Node(string id) => _nodes[id];

    public string Dir => _dir.Path;

    public async Task InitializeAsync()
    {
        foreach (var (id, _) in Layout)
        {
            _urls[id] = $"http://127.0.0.1:{ChildProcess.FreePort()}";
            _h2cPorts[id] = ChildProcess.FreePort();
        }

        try
        {
            await Task.WhenAll(Layout.Select(n => StartAsync(n.Id)));
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop the nodes that did start.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a membership file of these nodes (all when none named), atomically (rename), so a reader never sees half of it.</summary>
    public void WriteMembership(string path, params string[] ids) =>
        WriteAtomically(path, MembershipJson(ids.Length == 0 ? Layout.Select(n => n.Id) : ids));

    public string MembershipJson(IEnumerable<string> ids)
    {
        var chosen = ids.ToHashSet();
        var datacenters = Datacenters.ToDictionary(dc => dc, dc => Layout.Where(n => n.Datacenter == dc && chosen.Contains(n.Id))
            .Select(n => new Dictionary<string, string> { ["id"] = n.Id, ["address"] = H2cListed.Contains(n.Id) ? $"h2c://127.0.0.1:{_h2cPorts[n.Id]}" : _urls[n.Id] }).ToList());
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["datacenters"] = datacenters });
    }

    public static void WriteAtomically(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    public async Task KillAsync(string id) => await _nodes[id].Process.KillAsync();

    public async Task StopAsync(string id) => await _nodes[id].Process.TerminateAsync(TimeSpan.FromSeconds(20));

    /// <summary>Restarts every node that is not running, on its own address.</summary>
    public async Task RestoreAsync() =>
        await Task.WhenAll(Layout.Where(n => _nodes[n.Id].Process.HasExited).Select(async n =>
        {
            await _nodes[n.Id].DisposeAsync();
            await StartAsync(n.Id);
        }));

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_nodes.Values.Select(n => n.DisposeAsync().AsTask()));
        _starting.Dispose();
        _dir.Dispose();
    }

    private async Task StartAsync(string id)
    {
        var dc = Layout.Single(n => n.Id == id).Datacenter;
        await _starting.WaitAsync();
        try
        {
            // Each node serves a named dataset beside the default one: the proxy routes both path forms.
            var node = await NodeProcess.StartAsync(_dir.Sub(id), null, dc, id, "--urls", _urls[id], "--Api:H2cUrl", $"http://127.0.0.1:{_h2cPorts[id]}",
                "--Datasets:recent:Topic", "recent");
            lock (_nodes)
            {
                _nodes[id] = node;
            }

            await node.WaitAsync("ready", async () => (await node.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60));
        }
        finally
        {
            _starting.Release();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<Cluster>
{
    public const string Name = "cluster";
}

/// <summary>Proxies started against the cluster, and what they say about users.</summary>
internal static class Proxies
{
    /// <summary>Node id to address as the proxy reports them for its local datacenter (<c>/proxy/route</c>).</summary>
    public static async Task<Dictionary<string, string>> LocalAddressesAsync(ProxyProcess proxy) =>
        (await proxy.RouteAsync("any")).GetProperty("order")[0].GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("address").GetString()!);

    /// <summary>A proxy reading <paramref name="membershipFile"/>, with fast health checks and file polling so tests run quickly.</summary>
    public static async Task<ProxyProcess> StartAsync(string membershipFile, string datacenter = "dc-a", params string[] extra)
    {
        var proxy = await ProxyProcess.StartAsync(datacenter, Cluster.Datacenters,
        [
            "--Proxy:MembershipFile", membershipFile, "--Proxy:FileReloadInterval", "00:00:00.100",
            "--Proxy:ActiveHealth:Interval", "00:00:00.200", "--Proxy:ActiveHealth:Timeout", "00:00:01", .. extra,
        ]);
        await WaitReadyAsync(proxy);
        return proxy;
    }

    public static async Task WaitReadyAsync(ProxyProcess proxy) =>
        await Wait.UntilAsync(proxy.Process, "ready", async () => (await proxy.Http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));

    /// <summary>The node each user goes to now, asked with a few requests in flight.</summary>
    public static async Task<Dictionary<string, string>> RoutesAsync(ProxyProcess proxy, IReadOnlyList<string> users)
    {
        var routes = new string[users.Count];
        await Parallel.ForAsync(0, users.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => routes[i] = await proxy.NodeOfAsync(users[i]));
        return users.Select((u, i) => (u, routes[i])).ToDictionary(x => x.u, x => x.Item2);
    }

    /// <summary>Waits until the proxy routes every user as <paramref name="expected"/> says.</summary>
    public static async Task WaitRoutesAsync(ProxyProcess proxy, IReadOnlyDictionary<string, string> expected, TimeSpan timeout) =>
        await Wait.UntilAsync(proxy.Process, "the expected routes", async () =>
        {
            var now = await RoutesAsync(proxy, [.. expected.Keys]);
            return now.All(kv => expected[kv.Key] == kv.Value);
        }, timeout);

    /// <summary>Waits until the proxy has published membership version <paramref name="version"/>.</summary>
    public static async Task WaitMembershipAsync(ProxyProcess proxy, long version) =>
        await Wait.UntilAsync(proxy.Process, $"membership v{version}",
            async () => (await proxy.RouteAsync("any")).GetProperty("membershipVersion").GetInt64() >= version, TimeSpan.FromSeconds(20));

    public static List<string> Users(int count, string prefix = "user") => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToList();
}
