using Sidecar.Store.Rollout;

namespace Sidecar.Rollout.Tests;

/// <summary>
/// A participant keeps its vote in Consul while the round is open: a vote that could not be
/// written (its Consul agent unreachable) is written when the agent answers again, and a vote
/// whose session was lost is placed again with a new session. Both rounds commit, where before
/// the first one waited for its deadline and the second aborted.
/// </summary>
public sealed class VoteRetryTests
{
    private static readonly TimeSpan Decision = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_vote_that_could_not_be_written_is_written_once_consul_answers_again_and_the_round_commits()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        await using var relay = new TcpRelay(cluster.Consul.Address.Port);
        // n3 reaches Consul only through the relay. Its check TTL outlasts the outage, so it stays
        // passing (and keeps its session): only the vote's write fails. Its vote is held back
        // long enough for the test to cut the link first, even on a loaded machine.
        string[] n3 = ["--Consul:Address", relay.Address.ToString(), "--Consul:CheckTtl", "00:00:30",
            "--Rollout:PrepareDelay", "00:00:10", "--Rollout:Coordinate", "false"];
        await cluster.StartNodesAsync(("n1", []), ("n2", []), ("n3", n3));
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:10:00");
        var node = cluster["n3"];
        await node.WaitAsync("n3 holding its vote back", () => Task.FromResult(node.Process.Output.Contains("Holding the vote back", StringComparison.Ordinal)), Decision);
        await relay.StopAsync();
        await node.WaitAsync("n3's vote failing", () => Task.FromResult(node.Process.Output.Contains("voting failed", StringComparison.Ordinal)), Decision);
        Assert.Null((await cluster.StatusAsync()).Round!.Decision);
        relay.Start();

        var round = await cluster.WaitDecisionAsync(Decision);
        Assert.True(round.Decision!.Committed, $"aborted: {round.Decision.Reason}");
        Assert.True(round.VoteOf("n3") is { Alive: true, Vote.Yes: true });
        await cluster.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_vote_whose_session_was_lost_mid_round_is_placed_again_with_a_new_session_and_the_round_commits()
    {
        await using var cluster = await RolloutCluster.StartAsync();
        // n1 votes at once and never coordinates; n2 and n3 hold their votes back long enough for
        // the test to act between n1's vote and theirs, even on a loaded machine.
        string[] slow = ["--Rollout:PrepareDelay", "00:00:15"];
        await cluster.StartNodesAsync(("n1", ["--Rollout:Coordinate", "false"]), ("n2", slow), ("n3", slow));
        await cluster.BuildAndPublishAsync("v1", Documents.Users("u", 100, "v1"));

        await cluster.CliAsync(0, "rollout", "start", "v1", "--deadline", "00:10:00");
        string? lost = null;
        await RolloutCluster.UntilAsync("n1's vote", async () => (lost = (await cluster.StatusAsync()).Round?.VoteOf("n1")?.Session) is not null, Decision);
        // What Consul does when a session's check flaps or its server dies: the session ends, the vote stays without a holder.
        await cluster.Client.Sessions.DestroyAsync(lost!);

        await RolloutCluster.UntilAsync("n1's vote placed again", async () =>
            (await cluster.StatusAsync()).Round?.VoteOf("n1") is { Alive: true } v && v.Session != lost, Decision);
        var round = await cluster.WaitDecisionAsync(Decision);
        Assert.True(round.Decision!.Committed, $"aborted: {round.Decision.Reason}");
        Assert.Contains("placing it again with the current session", cluster["n1"].Process.Output, StringComparison.Ordinal);
        await cluster.WaitAllOnVersionAsync("v1", TimeSpan.FromSeconds(30));
    }
}
