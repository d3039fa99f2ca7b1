using System.Text.Json;
using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>A rollout under writes with a fault injected while its round is open.</summary>
internal static class RolloutScenario
{
    /// <summary>
    /// Publishes a version, starts writers, starts a rollout in dc-a and injects
    /// <paramref name="fault"/> while its round is open (participants hold their votes back:
    /// Rollout:PrepareDelay), then lets the round be decided, retries an aborted one as an
    /// operator would, rolls dc-b to the same version, and checks every invariant plus one
    /// version on every node.
    /// </summary>
    public static async Task RunAsync(ChaosScenario scenario, Func<Service, string, Task> fault)
    {
        var version = await PublishAsync(scenario.Deployment);
        scenario.StartLoad();
        await ChaosScenario.Hold(TimeSpan.FromSeconds(2));
        await RoundAsync(scenario, version, fault);
        await FinishAsync(scenario, version);
    }

    /// <summary>A new version published in both datacenters.</summary>
    public static async Task<string> PublishAsync(Deployment deployment)
    {
        var version = "v" + Guid.NewGuid().ToString("N")[..8];
        await Rollouts.PublishAsync(deployment, version, users: 50);
        return version;
    }

    /// <summary>
    /// One round of <paramref name="version"/> in dc-a with <paramref name="fault"/> injected while
    /// it is open (given the round's coordinator node); the decision must come within 120 s
    /// (Rollout:VoteTimeout bounds it), and an aborted round is started again until committed.
    /// </summary>
    public static async Task RoundAsync(ChaosScenario scenario, string version, Func<Service, string, Task> fault)
    {
        var deployment = scenario.Deployment;
        await Rollouts.StartAsync(deployment, deployment.A, version, wait: false);
        var coordinator = await WaitAsync(async () =>
        {
            var tree = await Rollouts.TreeAsync(deployment.A);
            return Rollouts.NewestRound(tree) is { } round && !tree.ContainsKey(round + "decision")
                ? await Rollouts.CoordinatorAsync(deployment.A)
                : null;
        });
        var started = DateTimeOffset.UtcNow;
        await fault(deployment.A.Nodes.Single(n => n.Alias == $"node-{coordinator}"), version);
        var (first, reason, at) = await DecisionAsync(deployment);
        // The decision's own time (the coordinator's clock: the host's, shared by the containers).
        var after = at is { } t ? $"{(t - started).TotalSeconds:F1} s" : "?";
        scenario.Fault($"the round was decided {after} after the fault began: {first}{(reason is null ? "" : $" ({reason})")}");
        await ReportVoteRetriesAsync(scenario, deployment.A);
        if (first != "commit")
        {
            try
            {
                await Rollouts.StartAsync(deployment, deployment.A, version, wait: true);
            }
            catch (InvalidOperationException e)
            {
                // The retry did not commit: what dc-a's nodes did is the evidence of why.
                throw new InvalidOperationException($"{e.Message}\n{await NodeLogsAsync(deployment.A)}", e);
            }
        }
    }

    /// <summary>Rolls dc-b to <paramref name="version"/>, converges and requires it on every node.</summary>
    public static async Task FinishAsync(ChaosScenario scenario, string version)
    {
        var deployment = scenario.Deployment;
        await Rollouts.StartAsync(deployment, deployment.B, version, wait: true);
        scenario.Healed($"{version} committed in dc-a and dc-b");

        await scenario.ConvergeAsync();
        foreach (var node in deployment.Nodes)
        {
            Assert.Equal(version, await Rollouts.VersionAsync(node));
        }
    }

    /// <summary>dc-a's decision; without one in time, fails with what Consul holds and what dc-a's nodes and servers logged.</summary>
    private static async Task<(string Outcome, string? Reason, DateTimeOffset? At)> DecisionAsync(Deployment deployment)
    {
        try
        {
            var outcome = await Rollouts.WaitDecisionAsync(deployment.A, TimeSpan.FromSeconds(120));
            var tree = await Rollouts.TreeAsync(deployment.A);
            if (Rollouts.NewestRound(tree) is not { } round || !tree.TryGetValue(round + "decision", out var decision) || decision.ValueKind != JsonValueKind.Object)
            {
                return (outcome, null, null);
            }

            var reason = decision.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            DateTimeOffset? at = decision.TryGetProperty("at", out var a) && a.TryGetDateTimeOffset(out var when) ? when : null;
            return (outcome, reason, at);
        }
        catch (TimeoutException e)
        {
            var tree = await Rollouts.TreeAsync(deployment.A);
            throw new TimeoutException($"{e.Message}\nrollout keys in dc-a:\n{string.Join('\n', tree.Select(kv => $"  {kv.Key} = {kv.Value}"))}\n{await NodeLogsAsync(deployment.A)}", e);
        }
    }

    /// <summary>The last lines of the datacenter's node and Consul server logs.</summary>
    private static async Task<string> NodeLogsAsync(Datacenter dc)
    {
        var logs = await Task.WhenAll(dc.Nodes.Concat(dc.Consul).Select(async s => $"---- {s.Alias}\n{await s.LogsAsync(150)}"));
        return string.Join('\n', logs);
    }

    /// <summary>Which nodes had to write their vote again in the newest round (their logs say so):
    /// evidence of which path decided the round.</summary>
    private static async Task ReportVoteRetriesAsync(ChaosScenario scenario, Datacenter dc)
    {
        if (Rollouts.NewestRound(await Rollouts.TreeAsync(dc)) is not { } key || !ulong.TryParse(key.Split('/')[1], out var round))
        {
            return;
        }

        foreach (var node in dc.Nodes)
        {
            var lines = (await node.LogsAsync(int.MaxValue)).Split('\n').Where(l => l.Contains($"Round {round}:", StringComparison.Ordinal)).ToList();
            var failed = lines.Count(l => l.Contains("voting failed", StringComparison.Ordinal));
            var replaced = lines.Count(l => l.Contains("placing it again", StringComparison.Ordinal));
            if (failed + replaced > 0)
            {
                scenario.Fault($"{node.Alias}: {failed} vote write(s) failed, {replaced} vote(s) placed again after a lost session");
            }
        }
    }

    private static async Task<string> WaitAsync(Func<Task<string?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { Length: > 0 } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("no open rollout round with a coordinator within 30 s");
    }
}
