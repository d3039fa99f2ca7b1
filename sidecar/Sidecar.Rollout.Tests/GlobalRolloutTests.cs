using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Store;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// Global rollouts: two datacenters, each a real Consul dev server (WAN-joined), its own Kafka
/// (librdkafka's mock cluster) and two node processes. Every node follows dc-a's rollout keys
/// (<c>Rollout:Datacenter=dc-a</c>): dc-b's nodes read them, vote and acknowledge with <c>?dc=dc-a</c>,
/// holding their votes with TTL sessions they created in dc-a.
/// </summary>
public sealed class GlobalRolloutTests
{
    private static readonly TimeSpan Decision = TimeSpan.FromSeconds(90);

    private static readonly string[] FollowDcA = ["--Rollout:Datacenter", "dc-a"];

    private static readonly string[] Participant = ["--Rollout:Coordinate", "false"];

    [Fact]
    public async Task A_global_rollout_commits_on_every_node_of_both_datacenters_without_a_failed_read()
    {
        var (a, b) = await StartAsync();
        await using var _ = a;
        await using var __ = b;
        await a.StartNodesAsync("a1", "a2");
        await b.StartNodesAsync(("b1", Participant), ("b2", Participant));
        var nodes = a.Nodes.Concat(b.Nodes).ToList();
        await a.BuildAndPublishAsync("v1", Documents.Users("snap-", 1_000, "v1"), viaCli: true);

        using var stop = new CancellationTokenSource();
        var errors = new ConcurrentQueue<string>();
        var readers = nodes.Select(node => Task.Run(async () =>
        {
            long reads = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await node.Http.GetAsync("/v1/users/snap-7");
                    if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
                    {
                        errors.Enqueue($"{node.Url}: {(int)response.StatusCode}");
                    }

                    reads++;
                }
                catch (HttpRequestException e)
                {
                    errors.Enqueue($"{node.Url}: {e.Message}");
                }
            }

            return reads;
        })).ToList();

        var output = await a.CliAsync(0, "rollout", "start", "v1", "--scope", "global", "--deadline", "00:01:00", "--wait");
        await a.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
        await b.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        var reads = (await Task.WhenAll(readers)).Sum();
        Assert.True(errors.IsEmpty, $"{errors.Count} failed reads during the rollout: {string.Join("; ", errors.Take(5))}");
        Assert.True(reads > 100, $"only {reads} reads");
        Assert.Contains("dc-b: 2 participant(s), 2 YES, 0 NO, 0 lost, 2 acknowledged", output);

        var status = await a.StatusAsync();
        Assert.Equal("v1", status.CommittedVersion);
        var round = status.Round!;
        Assert.True(round.Decision!.Committed);
        Assert.Equal("global", round.Proposal.Scope);
        Assert.Equal(["a1 dc-a", "a2 dc-a", "b1 dc-b", "b2 dc-b"], round.Proposal.Participants.Select(p => $"{p.Node} {p.Datacenter}"));
        Assert.Equal(4, round.Votes.Count(v => v.Vote.Yes && v.Alive));
        Assert.Equal(4, round.Acks.Count(ack => ack.Outcome == Store.Rollout.Decision.Commit && ack.Version == "v1"));
        foreach (var node in nodes)
        {
            var user = await node.Http.GetFromJsonAsync<JsonElement>("/v1/users/snap-7");
            Assert.Equal("v1", user.GetProperty("fields").GetProperty("source").GetString());
        }

        // The state as seen from dc-b's agent, with ?dc=dc-a: votes per datacenter.
        var remoteView = await b.CliAsync(0, "rollout", "status", "--dc", "dc-a");
        Assert.Contains("committed: v1", remoteView);
        Assert.Contains("dc-a: 2 participant(s), 2 YES", remoteView);
        Assert.Contains("dc-b: 2 participant(s), 2 YES", remoteView);

        // Every node follows dc-a's keys, so a round of dc-a alone would leave dc-b's nodes out of the vote: refused.
        await a.BuildAndPublishAsync("v2", Documents.Users("snap-", 10, "v2"));
        await a.CliAsync(1, "rollout", "start", "v2", "--deadline", "00:01:00", "--wait");
        Assert.Contains("use scope global", (await a.StatusAsync()).Round!.Decision!.Reason);
        Assert.Equal("v1", (await a.StatusAsync()).CommittedVersion);
    }

    [Fact]
    public async Task A_no_vote_in_the_remote_datacenter_aborts_the_global_round_on_every_node()
    {
        var (a, b) = await StartAsync();
        await using var _ = a;
        await using var __ = b;
        await a.StartNodesAsync("a1", "a2");
        await b.StartNodesAsync(("b1", Participant), ("b2", Participant));
        await a.BuildAndPublishAsync("v1", Documents.Users("snap-", 100, "v1"));
        // A real local fault on b2 alone: its staging path is a file, so copying the snapshot fails.
        await File.WriteAllTextAsync(Path.Combine(b["b2"].DataRoot, "staging"), "not a directory");

        await a.CliAsync(1, "rollout", "start", "v1", "--scope", "global", "--deadline", "00:01:00", "--wait");
        var round = (await a.StatusAsync()).Round!;
        Assert.False(round.Decision!.Committed);
        Assert.Contains("b2 voted NO", round.Decision.Reason);
        Assert.Contains("could not copy the snapshot", round.VoteOf("b2")!.Vote.Reason);
        Assert.Equal(VersionNames.Initial, (await a.StatusAsync()).CommittedVersion);
        await a.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));
        await b.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));
        // (Others may keep a complete copy they prepared, for a later round to reuse; the NO voter has none.)
        Assert.False(Directory.Exists(Path.Combine(b["b2"].DataRoot, "versions", "v1")), "b2 ingested a snapshot it could not copy");

        // Every participant, in both datacenters, acknowledged the abort.
        await RolloutCluster.UntilAsync("4 abort acknowledgements", async () => (await a.StatusAsync()).Round!.Acks.Count(x => x.Outcome == Store.Rollout.Decision.Abort) == 4, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_remote_participant_killed_after_voting_loses_its_vote_and_the_global_round_aborts()
    {
        var (a, b) = await StartAsync();
        await using var _ = a;
        await using var __ = b;
        // a2 holds its vote back for a minute, so the round is still open when b1 dies.
        await a.StartNodesAsync(("a1", []), ("a2", ["--Rollout:PrepareDelay", "00:01:00", .. Participant]));
        await b.StartNodesAsync(("b1", Participant), ("b2", Participant));
        await a.BuildAndPublishAsync("v1", Documents.Users("snap-", 100, "v1"));

        await a.CliAsync(0, "rollout", "start", "v1", "--scope", "global", "--deadline", "00:05:00");
        await RolloutCluster.UntilAsync("b1's vote", async () => (await a.StatusAsync()).Round?.VoteOf("b1") is { Alive: true, Vote.Yes: true }, Decision);
        await b.KillAsync("b1");

        // Its TTL session in dc-a is no longer renewed: Consul ends it within twice the TTL and releases the vote.
        var round = await a.WaitDecisionAsync(Decision);
        Assert.False(round.Decision!.Committed);
        Assert.Contains("b1 lost its session after voting", round.Decision.Reason);
        Assert.False(round.VoteOf("b1")!.Alive);
        Assert.True(DateTimeOffset.UtcNow < round.Proposal.Deadline, "aborted only at the deadline, not when b1 died");
        Assert.Equal(VersionNames.Initial, (await a.StatusAsync()).CommittedVersion);
        await a.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));
        await b.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        var b1 = await b.RestartAsync("b1", Participant);
        Assert.Equal(VersionNames.Initial, await RolloutCluster.VersionAsync(b1));
    }

    private static async Task<(RolloutCluster A, RolloutCluster B)> StartAsync()
    {
        var (consulA, consulB) = await ConsulAgent.StartWanPairAsync();
        RolloutCluster? a = null;
        try
        {
            a = await RolloutCluster.StartAsync(consulA, FollowDcA);
            return (a, await RolloutCluster.StartAsync(consulB, FollowDcA));
        }
        catch
        {
            if (a is not null)
            {
                await a.DisposeAsync();
            }
            else
            {
                await consulA.DisposeAsync();
            }

            await consulB.DisposeAsync();
            throw;
        }
    }
}
