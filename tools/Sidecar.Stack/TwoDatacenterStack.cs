using Sidecar.Testing;

namespace Sidecar.Stack;

/// <summary>
/// The whole system on loopback as plain processes: per datacenter a Consul dev agent (the two
/// WAN-joined), a Kafka (librdkafka's mock cluster host), nodes and a proxy; a replicator each
/// way; and the dashboard (<c>sidecarctl dashboard</c>). Everything it starts it stops, by PID, in
/// the reverse order, whether it came up whole or failed half-way.
/// </summary>
internal sealed class TwoDatacenterStack : IAsyncDisposable
{
    private readonly StackLayout _layout;
    private readonly MergedLog _log;
    private readonly List<IAsyncDisposable> _started = [];
    private readonly List<ChildProcess> _processes = [];

    private TwoDatacenterStack(StackLayout layout, MergedLog log)
    {
        _layout = layout;
        _log = log;
    }

    /// <summary>Every process the stack started (for the operator and for the tests that check none is left).</summary>
    public IReadOnlyList<ChildProcess> Processes => _processes;

    public IReadOnlyList<string> KafkaBootstrap { get; private set; } = [];

    public static async Task<TwoDatacenterStack> StartAsync(StackLayout layout, MergedLog log, CancellationToken cancellationToken)
    {
        var stack = new TwoDatacenterStack(layout, log);
        try
        {
            await stack.StartPartsAsync(cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartPartsAsync(CancellationToken cancellationToken)
    {
        // The Kafka mock keeps its log in memory: a node's store from an earlier run would hold
        // offsets this Kafka never had. Every run starts from empty stores.
        if (Directory.Exists(_layout.DataRoot))
        {
            Directory.Delete(_layout.DataRoot, recursive: true);
        }

        Directory.CreateDirectory(_layout.DataRoot);
        var dcs = StackLayout.Datacenters;

        _log.Say("starting Consul (2 WAN-joined datacenters) and Kafka (a mock cluster host per datacenter)");
        var consulTask = ConsulAgent.StartWanPairAsync(dcs[0], dcs[1], _layout.ConsulPorts(0), _layout.ConsulPorts(1));
        // The clickstream's source topics too: the mock cannot create topics on demand (no admin CreateTopics).
        var kafkaTasks = dcs.Select(_ => KafkaMockProcess.StartAsync([.. new[] { "updates", "updates.dlq" }.Concat(StackLayout.SourceTopics)
            .Concat(StackLayout.NamedDatasets.SelectMany(d => new[] { d, d + ".dlq" })).Select(t => $"{t}:{StackLayout.TopicPartitions}")])).ToList();
        await CollectAsync([consulTask], c => [Part(c.A, c.A.Process), Part(c.B, c.B.Process)],
            kafkaTasks, k => [Part(k, k.Process, "kafka-" + dcs[kafkaTasks.FindIndex(t => t.IsCompletedSuccessfully && t.Result == k)])]);
        var kafka = kafkaTasks.Select(t => t.Result).ToArray();
        KafkaBootstrap = kafka.Select(k => k.BootstrapServers).ToList();
        KafkaBootstrapFile.Write(_layout.DataRoot, dcs.Select((dc, i) => (dc, i)).ToDictionary(x => x.dc, x => KafkaBootstrap[x.i]));
        cancellationToken.ThrowIfCancellationRequested();

        _log.Say($"starting {dcs.Length * _layout.NodesPerDatacenter} nodes and the replicators");
        var nodeTasks = new List<Task<NodeProcess>>();
        for (var dc = 0; dc < dcs.Length; dc++)
        {
            for (var i = 0; i < _layout.NodesPerDatacenter; i++)
            {
                var id = StackLayout.NodeId(dc, i);
                nodeTasks.Add(NodeProcess.StartAsync(Path.Combine(_layout.DataRoot, id), kafka[dc].BootstrapServers, dcs[dc], id,
                    [
                        "--urls", _layout.Node(dc, i), "--Api:H2cUrl", _layout.NodeH2c(dc, i), "--Consul:Address", _layout.Consul(dc),
                        "--Rules:File", StackLayout.RulesFile, .. StackLayout.DatasetSettings,
                    ]));
            }
        }

        // Every dataset's topic is mirrored: the default one's and each named dataset's.
        string[] mirrored = ["updates", .. StackLayout.NamedDatasets];
        var replicatorTasks = Enumerable.Range(0, dcs.Length).Select(source => ReplicatorProcess.StartAsync(
            StackLayout.ReplicatorId(source), dcs[source], kafka[source], dcs[1 - source], kafka[1 - source],
            ["--urls", _layout.Replicator(source), .. mirrored.SelectMany((t, i) => new[] { $"--Replicator:Topics:{i}", t })])).ToList();
        await CollectAsync(nodeTasks, n => [Part(n, n.Process)], replicatorTasks, r => [Part(r, r.Process)]);
        cancellationToken.ThrowIfCancellationRequested();

        _log.Say("starting the proxies and the dashboard");
        var proxyTasks = Enumerable.Range(0, dcs.Length).Select(dc => ProxyProcess.StartAsync(dcs[dc], [dcs[dc], dcs[1 - dc]],
            "--urls", _layout.Proxy(dc), "--Proxy:Consul:Address", _layout.Consul(dc))).ToList();
        var dashboardTask = StartDashboardAsync();
        await CollectAsync(proxyTasks, p => [Part(p, p.Process)], [dashboardTask], d => [Part(d, d)]);
        await WaitDashboardAsync(dashboardTask.Result);
        cancellationToken.ThrowIfCancellationRequested();

        _log.Say("starting Prometheus (scraping every node, proxy and replicator)");
        var prometheus = PrometheusServer.StartAsync(_layout.PrometheusPort, ScrapeJobs(), [StackLayout.AlertRules], Path.Combine(_layout.DataRoot, "prometheus"));
        await CollectAsync([prometheus], p => [Part(p, p.Process)], Array.Empty<Task<ChildProcess>>(), _ => []);
    }

    /// <summary>What Prometheus scrapes: every node, proxy and replicator, labelled with its datacenter (a node also with its id; a replicator with the direction it mirrors, "dc-a->dc-b").</summary>
    private Dictionary<string, IReadOnlyList<ScrapeTarget>> ScrapeJobs()
    {
        static string Address(string url) => new Uri(url).Authority;
        var dcs = StackLayout.Datacenters;
        return new()
        {
            ["sidecar-node"] = [.. Enumerable.Range(0, dcs.Length).SelectMany(dc => Enumerable.Range(0, _layout.NodesPerDatacenter).Select(i =>
                new ScrapeTarget(Address(_layout.Node(dc, i)), new Dictionary<string, string> { ["datacenter"] = dcs[dc], ["node"] = StackLayout.NodeId(dc, i) })))],
            ["sidecar-proxy"] = [.. Enumerable.Range(0, dcs.Length).Select(dc => new ScrapeTarget(Address(_layout.Proxy(dc)), new Dictionary<string, string> { ["datacenter"] = dcs[dc] }))],
            ["sidecar-replicator"] = [.. Enumerable.Range(0, dcs.Length).Select(dc =>
                new ScrapeTarget(Address(_layout.Replicator(dc)), new Dictionary<string, string> { ["mirror"] = $"{dcs[dc]}->{dcs[1 - dc]}" }))],
        };
    }

    private Task<ChildProcess> StartDashboardAsync()
    {
        var args = new List<string> { "dashboard", "--urls", _layout.Dashboard, "--consul", _layout.Consul(0) };
        for (var dc = 0; dc < StackLayout.Datacenters.Length; dc++)
        {
            args.AddRange(["--proxy", _layout.Proxy(dc), "--replicator", _layout.Replicator(dc)]);
        }

        return Task.FromResult(ChildProcess.StartDotnet("dashboard", Repo.Program("tools/Sidecar.Cli", "sidecarctl"), args));
    }

    private async Task WaitDashboardAsync(ChildProcess dashboard)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync(dashboard, "the dashboard", async () =>
        {
            try
            {
                return (await http.GetAsync(_layout.Dashboard + "/health/live")).IsSuccessStatusCode;
            }
            catch (TaskCanceledException)
            {
                return false; // a slow first answer on a busy machine: ask again
            }
        }, Wait.StartTimeout);
    }

    /// <summary>
    /// Waits for parts started side by side and owns every one that came up (stopped on dispose,
    /// its output in the merged log), also when another failed: then it throws that failure.
    /// </summary>
    private async Task CollectAsync<T1, T2>(IReadOnlyList<Task<T1>> first, Func<T1, IEnumerable<StackPart>> partsOf1,
        IReadOnlyList<Task<T2>> second, Func<T2, IEnumerable<StackPart>> partsOf2)
    {
        var all = first.Cast<Task>().Concat(second).ToList();
        try
        {
            await Task.WhenAll(all);
        }
        catch
        {
            // Own what did start before rethrowing, so that dispose stops it.
        }

        foreach (var part in first.Where(t => t.IsCompletedSuccessfully).SelectMany(t => partsOf1(t.Result))
            .Concat(second.Where(t => t.IsCompletedSuccessfully).SelectMany(t => partsOf2(t.Result))))
        {
            _started.Add(part.Part);
            _processes.Add(part.Process);
            part.Process.Line += line => _log.Write(part.Name, line);
        }

        if (all.FirstOrDefault(t => !t.IsCompletedSuccessfully) is { } failed)
        {
            await failed; // throws its exception
        }
    }

    private static StackPart Part(IAsyncDisposable part, ChildProcess process, string? name = null) => new(part, process, name ?? process.Name);

    public async ValueTask DisposeAsync()
    {
        // Front to back: proxies and the dashboard first, Kafka and Consul last.
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                await _started[i].DisposeAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                _log.Say($"stopping a part failed: {e.Message}");
            }
        }

        _started.Clear();
    }
}
