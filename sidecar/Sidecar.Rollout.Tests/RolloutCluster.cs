using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Common.Consul;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// One datacenter of real processes for a rollout test: a Consul dev agent, the Kafka mock host,
/// a registry directory and sidecar nodes registered in Consul. Short TTLs and poll intervals so
/// that failures are detected in seconds. Disposed (every process stopped by PID) at the end.
/// </summary>
public sealed class RolloutCluster : IAsyncDisposable
{
    private readonly Dictionary<string, NodeProcess> _nodes = new(StringComparer.Ordinal);

    private readonly string[] _nodeArgs;

    private RolloutCluster(ConsulAgent consul, KafkaMockProcess kafka, TempDir dir, string[] nodeArgs)
    {
        Consul = consul;
        Kafka = kafka;
        Dir = dir;
        _nodeArgs = nodeArgs;
        Client = consul.Client();
    }

    /// <summary>The datacenter of this cluster's Consul agent, Kafka and nodes.</summary>
    public string Datacenter => Consul.Datacenter;

    public ConsulAgent Consul { get; }

    public KafkaMockProcess Kafka { get; }

    public TempDir Dir { get; }

    public ConsulClient Client { get; }

    public RolloutKeys Keys { get; } = new("sidecar");

    public string Registry => Dir.Sub("registry");

    public IReadOnlyCollection<NodeProcess> Nodes => _nodes.Values;

    public NodeProcess this[string id] => _nodes[id];

    public static async Task<RolloutCluster> StartAsync() => await StartAsync(await ConsulAgent.StartAsync("dc-a"));

    /// <summary>One datacenter on a given agent (disposed with the cluster), its own Kafka, and
    /// <paramref name="nodeArgs"/> for every node (e.g. the Rollout:Datacenter of a global rollout).</summary>
    public static async Task<RolloutCluster> StartAsync(ConsulAgent consul, params string[] nodeArgs) =>
        await StartWithDatasetsAsync(consul, [], nodeArgs);

    /// <summary>The same, with named datasets on every node (<c>Datasets:&lt;name&gt;:Topic</c> = the name) and their topics in the Kafka.</summary>
    public static async Task<RolloutCluster> StartWithDatasetsAsync(ConsulAgent consul, string[] datasets, params string[] nodeArgs)
    {
        var kafka = await KafkaMockProcess.StartAsync(["updates:4", "updates.dlq:1", .. datasets.SelectMany(d => new[] { $"{d}:4", $"{d}.dlq:1" })]);
        string[] args = [.. datasets.SelectMany(d => new[] { $"--Datasets:{d}:Topic", d }), .. nodeArgs];
        return new RolloutCluster(consul, kafka, new TempDir(), args);
    }

    /// <summary>Starts nodes (in parallel) and waits until each is ready and passing in Consul.</summary>
    public async Task StartNodesAsync(params (string Id, string[] Extra)[] nodes)
    {
        var started = await Task.WhenAll(nodes.Select(n => StartNodeProcessAsync(n.Id, n.Extra)));
        foreach (var node in started)
        {
            await WaitPassingAsync(node);
        }
    }

    public Task StartNodesAsync(params string[] ids) => StartNodesAsync(ids.Select(id => (id, Array.Empty<string>())).ToArray());

    /// <summary>SIGKILL: no deregistration, no clean shutdown.</summary>
    public async Task KillAsync(string id)
    {
        var node = _nodes[id];
        await node.Process.KillAsync();
        await node.DisposeAsync();
        _nodes.Remove(id);
    }

    /// <summary>SIGTERM: a graceful stop (the first half of a rolling restart).</summary>
    public async Task StopAsync(string id)
    {
        var node = _nodes[id];
        Assert.Equal(0, await node.Process.TerminateAsync(TimeSpan.FromSeconds(20)));
        await node.DisposeAsync();
        _nodes.Remove(id);
    }

    /// <summary>Starts a node again on its data root (or a new node, on a new one).</summary>
    public async Task<NodeProcess> RestartAsync(string id, params string[] extra)
    {
        var node = await StartNodeProcessAsync(id, extra);
        await WaitPassingAsync(node);
        return node;
    }

    public async Task<RolloutStatus> StatusAsync(string dataset = "default") =>
        await RolloutReader.ReadAsync(Client, new RolloutKeys("sidecar", dataset), CancellationToken.None);

    /// <summary>
    /// The latest round was voted down for <paramref name="reason"/>: aborted on a NO vote, and
    /// every vote in it a NO with that reason. How many participants voted is not fixed: a NO
    /// aborts the round at once, and a participant still preparing then cancels and never votes
    /// (AgentDecision.ShouldCancelWork), so at least one.
    /// </summary>
    public async Task AssertVotedDownAsync(string reason)
    {
        var round = (await StatusAsync()).Round!;
        Assert.False(round.Decision!.Committed, "the round committed");
        Assert.Contains("voted NO", round.Decision.Reason);
        Assert.Contains(reason, round.Decision.Reason);
        Assert.NotEmpty(round.Votes);
        Assert.All(round.Votes, v => Assert.True(!v.Vote.Yes && v.Vote.Reason!.Contains(reason, StringComparison.Ordinal), $"{v.Vote.Node}: {(v.Vote.Yes ? "YES" : v.Vote.Reason)}"));
    }

    /// <summary>Waits for the latest round to be decided.</summary>
    public async Task<RoundStatus> WaitDecisionAsync(TimeSpan timeout)
    {
        RoundStatus? round = null;
        await UntilAsync("a decision", async () => (round = (await StatusAsync()).Round) is { Decision: not null }, timeout);
        return round!;
    }

    /// <summary>Polls a condition on the Consul state (no single process to watch).</summary>
    public static async Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {what} within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until every running node serves <paramref name="version"/>.</summary>
    public async Task WaitAllOnVersionAsync(string version, TimeSpan timeout)
    {
        foreach (var node in _nodes.Values)
        {
            await node.WaitAsync($"version {version}", async () => await VersionAsync(node) == version, timeout);
        }
    }

    public static async Task<string> VersionAsync(NodeProcess node) => (await node.StatusAsync()).GetProperty("version").GetString()!;

    /// <summary>Builds a snapshot from user documents and publishes it, with sidecarctl or (faster, for
    /// tests about the rollout itself) with the same library code in this process.</summary>
    public async Task BuildAndPublishAsync(string version, IEnumerable<string> jsonLines, bool viaCli = false, string dataset = "default")
    {
        var input = Dir.Sub($"{version}.jsonl");
        await File.WriteAllLinesAsync(input, jsonLines);
        var built = Dir.Sub($"build-{version}");
        if (viaCli)
        {
            await CliAsync(0, "snapshot", "build", "--input", input, "--out", built, "--version", version);
            await CliAsync(0, "snapshot", "publish", built, "--registry", Registry, "--consul", Consul.Address.ToString(), "--dataset", dataset);
            return;
        }

        new SnapshotBuilder { Version = version }.Build(input, built);
        var (location, manifest, sha) = SnapshotRegistry.Publish(built, Registry);
        var entry = new VersionEntry(version, location, manifest.KeyCount, sha, DateTimeOffset.UtcNow);
        Assert.True(await Client.Kv.CasAsync(new RolloutKeys("sidecar", dataset).Version(version), RolloutJson.Bytes(entry), 0));
    }

    /// <summary>Runs sidecarctl; asserts its exit code and returns its output.</summary>
    public async Task<string> CliAsync(int expectedExit, params string[] args)
    {
        var (exit, output) = await RunCliAsync(args);
        Assert.True(exit == expectedExit, $"sidecarctl {string.Join(' ', args)} exited {exit}, expected {expectedExit}:\n{output}");
        return output;
    }

    public async Task<(int Exit, string Output)> RunCliAsync(params string[] args)
    {
        var full = args.Concat(args.Length > 0 && args[0] is "rollout" or "rollback" ? ["--consul", Consul.Address.ToString()] : []).ToArray();
        return await Cli.RunAsync(full);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Values.Select(n => n.DisposeAsync().AsTask()));
        Client.Dispose();
        await Kafka.DisposeAsync();
        await Consul.DisposeAsync();
        Dir.Dispose();
    }

    private async Task<NodeProcess> StartNodeProcessAsync(string id, string[] extra)
    {
        string[] args =
        [
            "--Consul:Address", Consul.Address.ToString(),
            // Long enough not to flap on a loaded machine (a lost session aborts a round), short enough to detect a kill quickly.
            "--Consul:CheckTtl", "00:00:05",
            "--Rollout:PollInterval", "00:00:00.250",
            .. _nodeArgs,
            .. extra,
        ];
        var node = await NodeProcess.StartAsync(Dir.Sub(id), Kafka.BootstrapServers, Datacenter, id, args);
        // StartNodesAsync starts nodes side by side, and each resumes here on its own pool thread:
        // unguarded, two writes at once corrupted the dictionary (a null node at dispose, fc4).
        lock (_nodes)
        {
            _nodes[id] = node;
        }

        return node;
    }

    private async Task WaitPassingAsync(NodeProcess node)
    {
        var id = node.Process.Name["node-".Length..];
        await node.WaitAsync("passing in Consul", async () =>
            (await Client.Health.ServiceAsync("sidecar", passingOnly: true)).Value.Any(s => s.Service.Id == id), TimeSpan.FromSeconds(60));
    }
}
