using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Store;
using Sidecar.Store.Rollout;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// A round that must not commit: a corrupt snapshot, a participant killed before its vote, a
/// deadline that passes. Each ends aborted with its reason in `rollout status`, and every live
/// node on the same committed version. And a coordinator killed once it decided: the round
/// still completes, and the killed node comes back on the committed version.
/// </summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Decision = TimeSpan.FromSeconds(60);

    // Holds n3's vote back long enough to act between its preparation and its vote; n3 never
    // coordinates, so the node killed is a participant and not the coordinator.
    private static readonly string[] SlowVoter = ["--Rollout:PrepareDelay", "00:01:00", "--Rollout:Coordinate", "false"];

    [Fact]
    public async Task A_corrupt_snapshot_makes_every_node_vote_no_with_the_reason_and_changes_nothing()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync("n1", "n2", "n3");
        await cluster.BuildAndPublishAsync("v-bad", Documents.Users("u", 100, "v-bad"));
        var sst = Directory.GetFiles(Path.Combine(cluster.Registry, "v-bad"), "*.sst").First();
        var bytes = await File.ReadAllBytesAsync(sst);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(sst, bytes);

        await cluster.CliAsync(1, "rollout", "start", "v-bad", "--deadline", "00:01:00", "--wait");
        var round = (await cluster.StatusAsync()).Round!;
        Assert.False(round.Decision!.Committed);
        Assert.Contains("voted NO", round.Decision.Reason);
        Assert.Contains(round.Votes, v => !v.Vote.Yes && v.Vote.Reason!.Contains("checksum mismatch", StringComparison.Ordinal));

        var status = await cluster.CliAsync(0, "rollout", "status");
        Assert.Contains("vote NO: checksum mismatch", status);

        Assert.Equal(VersionNames.Initial, (await cluster.StatusAsync()).CommittedVersion);
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));
        foreach (var node in cluster.Nodes)
        {
            Assert.False(Directory.Exists(Path.Combine(node.DataRoot, "versions", "v-bad")), $"{node.Url} kept the bad version");
        }
    }

    [Fact]
    public async Task A_participant_killed_before_its_vote_aborts_the_round_and_restarts_on_the_committed_version()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync(("n1", []), ("n2", []), ("n3", SlowVoter));
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:05:00");
        // n1 and n2 vote; n3 has prepared (or is preparing) and is holding its vote back.
        await RolloutCluster.UntilAsync("votes of n1 and n2", async () =>
            (await cluster.StatusAsync()).Round is { } r && r.IsParticipant("n3") && r.Votes.Count(v => v.Vote.Yes) == 2, Decision);
        await cluster.KillAsync("n3");

        var round = await cluster.WaitDecisionAsync(Decision);
        Assert.False(round.Decision!.Committed);
        Assert.Contains("n3", round.Decision.Reason);
        Assert.True(DateTimeOffset.UtcNow < round.Proposal.Deadline, "aborted only at the deadline, not when n3 died");
        Assert.Equal(VersionNames.Initial, (await cluster.StatusAsync()).CommittedVersion);
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        var n3 = await cluster.RestartAsync("n3");
        Assert.Equal(VersionNames.Initial, await RolloutCluster.VersionAsync(n3));

        // The cluster is not stuck: the next round commits on all three.
        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:01:00", "--wait");
        await cluster.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_participant_killed_after_voting_yes_aborts_the_round_and_restarts_on_the_committed_version()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        // n1 votes at once and never coordinates; n2 and n3 hold their votes back.
        string[] slow = ["--Rollout:PrepareDelay", "00:00:30"];
        await cluster.StartNodesAsync(("n1", ["--Rollout:Coordinate", "false"]), ("n2", slow), ("n3", slow));
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:05:00");
        await RolloutCluster.UntilAsync("n1's vote", async () => (await cluster.StatusAsync()).Round?.VoteOf("n1") is { Vote.Yes: true }, Decision);
        await cluster.KillAsync("n1");

        var round = await cluster.WaitDecisionAsync(Decision);
        Assert.False(round.Decision!.Committed);
        Assert.Contains("n1 lost its session after voting", round.Decision.Reason);
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        var n1 = await cluster.RestartAsync("n1");
        Assert.Equal(VersionNames.Initial, await RolloutCluster.VersionAsync(n1));
    }

    [Fact]
    public async Task A_round_whose_deadline_passes_aborts_and_every_node_stays_on_the_committed_version()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync(("n1", []), ("n2", []), ("n3", SlowVoter));
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(1, "rollout", "start", "v1", "--deadline", "00:00:05", "--wait");
        var round = (await cluster.StatusAsync()).Round!;
        Assert.False(round.Decision!.Committed);
        Assert.Contains("deadline passed without a vote from n3", round.Decision.Reason);
        Assert.Equal(VersionNames.Initial, (await cluster.StatusAsync()).CommittedVersion);
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        // Every participant, the slow one included, drops what it staged and acknowledges the abort.
        await RolloutCluster.UntilAsync("three abort acks", async () => (await cluster.StatusAsync()).Round!.Acks.Count(a => a.Outcome == Sidecar.Store.Rollout.Decision.Abort) == 3, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_coordinator_killed_after_its_decision_does_not_stop_the_round_and_comes_back_on_the_new_version()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await cluster.StartNodesAsync("n1", "n2", "n3");
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:01:00");
        RolloutStatus? decided = null;
        await RolloutCluster.UntilAsync("a decision", async () => (decided = await cluster.StatusAsync()).Round is { Decision: not null }, Decision);
        var coordinator = decided!.Round!.Proposal.Coordinator;
        await cluster.KillAsync(coordinator);

        Assert.True(decided.Round.Decision!.Committed);
        await cluster.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
        await RolloutCluster.UntilAsync("acks of the live nodes", async () =>
            (await cluster.StatusAsync()).Round!.Acks.Count(a => a.Node != coordinator) == 2, TimeSpan.FromSeconds(20));

        var back = await cluster.RestartAsync(coordinator);
        Assert.Equal("v1", await RolloutCluster.VersionAsync(back));
        var user = await back.Http.GetFromJsonAsync<JsonElement>("/v1/users/u5");
        Assert.Equal("v1", user.GetProperty("fields").GetProperty("source").GetString());
        await RolloutCluster.UntilAsync("the restarted node's ack", async () => (await cluster.StatusAsync()).Round!.Acks.Count == 3, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_coordinator_killed_before_deciding_is_replaced_and_the_new_leader_decides()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        // Everyone holds its vote back a little, so the round is undecided when the leader dies.
        string[] slow = ["--Rollout:PrepareDelay", "00:00:04"];
        await cluster.StartNodesAsync(("n1", slow), ("n2", slow), ("n3", slow));
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:01:00");
        RolloutStatus? proposed = null;
        await RolloutCluster.UntilAsync("a proposal", async () => (proposed = await cluster.StatusAsync()).Round is not null, Decision);
        var coordinator = proposed!.Round!.Proposal.Coordinator;
        await cluster.KillAsync(coordinator);

        // The dead leader was a participant too: the new leader aborts the round, it does not hang.
        var round = await cluster.WaitDecisionAsync(Decision);
        Assert.False(round.Decision!.Committed);
        Assert.Contains(coordinator, round.Decision.Reason);
        var status = await cluster.StatusAsync();
        Assert.NotEqual(coordinator, status.Leader);
        await cluster.WaitAllOnVersionAsync(VersionNames.Initial, TimeSpan.FromSeconds(10));

        var back = await cluster.RestartAsync(coordinator, slow);
        Assert.Equal(VersionNames.Initial, await RolloutCluster.VersionAsync(back));
    }
}
