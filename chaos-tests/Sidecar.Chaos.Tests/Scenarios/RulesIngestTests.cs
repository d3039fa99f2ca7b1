using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Chaos.Tests.Topology;
using Sidecar.Chaos.Tests.Workload;
using Xunit.Abstractions;

namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>
/// Clickstream events produced from outside into both datacenters' source topics, mapped by the
/// nodes' ingest rules (Topology/ClickRules.cs) while faults hit: after the fault every node of
/// both datacenters holds identical digests, and every event's effect exactly once (counters
/// exact, producer retries counted as the two events they are; lists and fields by event time).
/// </summary>
[Collection(SharedDeploymentCollection.Name)]
public sealed class RulesIngestTests(SharedDeployment shared, ITestOutputHelper output)
{
    [Fact]
    public async Task Events_produced_in_both_datacenters_during_a_partition_apply_exactly_once_everywhere()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "rules-partition", output);
        var deployment = scenario.Deployment;
        var stream = new ClickStream("rules-partition", [deployment.A, deployment.B]);
        await using (var producing = Producing.Start(stream))
        {
            await ChaosScenario.Hold(TimeSpan.FromSeconds(3));
            await deployment.PartitionAsync(deployment.B);
            var before = stream.Ledger.PerDatacenter();
            scenario.Fault("dc-b cut off the wan for 8 s, events into clicks.b2c/b2b of both datacenters throughout");
            await ChaosScenario.Hold(TimeSpan.FromSeconds(8));
            var during = stream.Ledger.PerDatacenter().ToDictionary(d => d.Key, d => d.Value - before.GetValueOrDefault(d.Key));
            await deployment.HealAsync(deployment.B);
            scenario.Healed($"healed (events produced while cut off: {string.Join(", ", during.OrderBy(d => d.Key).Select(d => $"{d.Key} {d.Value}"))})");
            if (during.Count < 2 || during.Values.Any(n => n == 0))
            {
                throw new InvalidOperationException("no events were produced on one side during the partition: the scenario tested nothing there");
            }

            await ChaosScenario.Hold(TimeSpan.FromSeconds(2));
        }

        await ConvergeAsync(scenario, stream);
    }

    [Fact]
    public async Task A_rules_consumer_killed_mid_stream_hands_its_partitions_over_and_counts_stay_exact()
    {
        await using var scenario = await ChaosScenario.OnAsync(shared, "rules-kill-node", output);
        var deployment = scenario.Deployment;
        var stream = new ClickStream("rules-kill-node", [deployment.A, deployment.B], seed: 16);
        var victim = deployment.A.Nodes[0];
        var survivor = deployment.A.Nodes[1];
        await using (var producing = Producing.Start(stream))
        {
            await ChaosScenario.Hold(TimeSpan.FromSeconds(3));
            var before = await HeldAsync(victim);
            if (before.Partitions == 0)
            {
                throw new InvalidOperationException($"{victim.Alias} maps no source partition: killing it would test no hand-over");
            }

            await victim.KillAsync();
            var killed = Stopwatch.StartNew();
            // The group gives the killed member's source partitions to the survivor once the
            // member's session (6 s here) has timed out; until then they wait.
            var takeover = await TakeoverAsync(survivor, TimeSpan.FromSeconds(30));
            scenario.Fault($"kill -9 {victim.Alias} (mapping {before.Partitions} source partitions) while events flow; {survivor.Alias} mapped all {ClickRules.Topics.Length * ClickRules.Partitions} source partitions {killed.Elapsed.TotalSeconds:F1} s after the kill ({takeover})");
            await victim.RestartAsync();
            await victim.WaitHttpAsync("/health/ready", TimeSpan.FromSeconds(60));
            scenario.Healed($"restarted (same disk) after {killed.Elapsed.TotalSeconds:F0} s");
            await ChaosScenario.Hold(TimeSpan.FromSeconds(3));
        }

        await ConvergeAsync(scenario, stream);
    }

    private static async Task ConvergeAsync(ChaosScenario scenario, ClickStream stream)
    {
        scenario.Log($"producer stopped: {stream.Ledger}");
        if (stream.Ledger.Produced == 0)
        {
            throw new InvalidOperationException("no event was produced: the scenario tested nothing");
        }

        await scenario.ConvergeAsync(() => ClickChecker.CheckAsync(stream, scenario.Deployment.Nodes), stream.Ledger.Produced);
    }

    /// <summary>Waits until <paramref name="node"/>'s rules consumer holds every source partition.</summary>
    private static async Task<string> TakeoverAsync(Service node, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var want = ClickRules.Topics.Length * ClickRules.Partitions;
        var held = (Partitions: 0, Lag: 0L);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                held = await HeldAsync(node);
                if (held.Partitions == want)
                {
                    return $"its lag then {held.Lag} events";
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A slow answer on a busy machine: asked again.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{node.Alias} did not take over the source partitions within {timeout}: it holds {held.Partitions} of {want}");
    }

    /// <summary>The source partitions <paramref name="node"/>'s rules consumer is assigned now, and
    /// their lag (its admin status lists the lag of each one it holds).</summary>
    private static async Task<(int Partitions, long Lag)> HeldAsync(Service node)
    {
        var status = await node.Http.GetFromJsonAsync<JsonElement>("/admin/status");
        if (status.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Object
            && rules.TryGetProperty("sourceLag", out var lag) && lag.ValueKind == JsonValueKind.Object)
        {
            var partitions = lag.EnumerateObject().ToList();
            return (partitions.Count, partitions.Sum(p => p.Value.GetInt64()));
        }

        return (0, 0);
    }

    /// <summary>The stream running in the background; disposing stops it and surfaces its failure.</summary>
    private sealed class Producing : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        private Producing(ClickStream stream) => _run = Task.Run(() => stream.RunAsync(_stop.Token));

        public static Producing Start(ClickStream stream) => new(stream);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _run;
            }
            finally
            {
                _stop.Dispose();
            }
        }
    }
}
