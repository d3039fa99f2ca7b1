using Microsoft.Extensions.Time.Testing;
using Sidecar.Node.Coordination.Decisions;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;
using static Sidecar.Node.Tests.Coordination.Rounds;

namespace Sidecar.Node.Tests.Coordination;

public sealed class AgentDecisionTests
{
    private const string Me = "a1";

    private readonly FakeTimeProvider _time = new(ProposedAt);

    private static readonly Ballot YesBallot = new(Round, new Vote(Me, true, null, ProposedAt + TimeSpan.FromSeconds(3), 3.0));

    /// <summary>Prepared for the round: the proposed version staged in dual apply, the ballot kept.</summary>
    private static AgentLocalState Prepared(DateTimeOffset retryAt) =>
        new(VersionNames.Initial, ProposedVersion, StagedDual: true, Working: false, WorkRound: Round, YesBallot, retryAt);

    private static readonly AgentLocalState Idle = new(VersionNames.Initial, null, false, false, null, null, DateTimeOffset.MinValue);

    private AgentAction Next(RolloutStatus status, AgentLocalState local) => AgentDecision.Next(status, Me, local, _time.GetUtcNow());

    [Fact]
    public void A_new_round_is_prepared()
    {
        Assert.Equal(AgentAction.Prepare, Next(Status(Open(Proposal())), Idle));
        Assert.Equal(AgentAction.Nothing, Next(Status(Open(Proposal())), Idle with { Working = true, WorkRound = Round }));
    }

    [Fact]
    public void A_vote_that_failed_is_written_again_after_the_backoff_once_consul_is_back()
    {
        var backoff = new WriteBackoff();
        var open = Status(Open(Proposal()));

        // Prepared; the first write failed (the Consul server is gone): wait, then try again.
        var wait = backoff.Failed(_time.GetUtcNow());
        Assert.Equal(WriteBackoff.Initial, wait);
        Assert.Equal(AgentAction.Nothing, Next(open, Prepared(backoff.RetryAt)));
        _time.Advance(wait);
        Assert.Equal(AgentAction.Vote, Next(open, Prepared(backoff.RetryAt)));

        // It keeps failing while the server is away: the wait doubles but stays bounded.
        var waits = Enumerable.Range(0, 10).Select(_ => backoff.Failed(_time.GetUtcNow())).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(500), waits[0]);
        Assert.All(waits, w => Assert.True(w <= WriteBackoff.Max));
        Assert.Equal(WriteBackoff.Max, waits[^1]);
        _time.Advance(WriteBackoff.Max);
        Assert.Equal(AgentAction.Vote, Next(open, Prepared(backoff.RetryAt)));

        // Consul is back: the write holds, and the next read shows the vote.
        backoff.Succeeded();
        Assert.Equal(DateTimeOffset.MinValue, backoff.RetryAt);
        var voted = Status(Open(Proposal(), Yes(Me, "s-a1", YesBallot.Vote.At)));
        Assert.Equal(AgentAction.Nothing, Next(voted, Prepared(backoff.RetryAt)));
    }

    [Fact]
    public void A_vote_whose_session_was_lost_mid_round_is_placed_again()
    {
        // The vote is in Consul without a session (its server died and Consul ended the session).
        var lost = Status(Open(Proposal(), Yes(Me, null, YesBallot.Vote.At), Yes("a2", "s-a2", YesBallot.Vote.At)));
        Assert.Equal(AgentAction.Revote, Next(lost, Prepared(DateTimeOffset.MinValue)));

        // Placed again with the new session: nothing more to do; the round can commit.
        var replaced = Status(Open(Proposal(), Yes(Me, "s-a1-new", YesBallot.Vote.At), Yes("a2", "s-a2", YesBallot.Vote.At)));
        Assert.Equal(AgentAction.Nothing, Next(replaced, Prepared(DateTimeOffset.MinValue)));
    }

    [Fact]
    public void A_restarted_participant_whose_old_vote_lost_its_session_prepares_again()
    {
        // The process restarted: nothing staged, no ballot in memory. Its vote would not be true.
        var lost = Status(Open(Proposal(), Yes(Me, null, ProposedAt)));
        Assert.Equal(AgentAction.Prepare, Next(lost, Idle));
    }

    [Fact]
    public void A_yes_ballot_is_not_written_without_the_staged_version()
    {
        var open = Status(Open(Proposal()));
        var discarded = Prepared(DateTimeOffset.MinValue) with { Staged = null, StagedDual = false };
        Assert.Equal(AgentAction.Prepare, Next(open, discarded));
    }

    [Fact]
    public void A_no_ballot_is_written_again_without_anything_staged()
    {
        var no = new Ballot(Round, new Vote(Me, false, "checksum mismatch", ProposedAt, 1.0));
        var open = Status(Open(Proposal()));
        Assert.Equal(AgentAction.Vote, Next(open, Idle with { Ballot = no }));
    }

    [Fact]
    public void No_vote_is_written_after_the_decision()
    {
        var aborted = Status(Open(Proposal()) with { Decision = new Decision(Decision.Abort, "a1 stopped being healthy before voting", ProposedVersion, ProposedAt) });
        Assert.Equal(AgentAction.Discard, Next(aborted, Prepared(DateTimeOffset.MinValue)));
        Assert.True(AgentDecision.ShouldAcknowledge(aborted, Me, Idle, _time.GetUtcNow()));
        Assert.False(AgentDecision.ShouldAcknowledge(aborted, Me, Prepared(DateTimeOffset.MinValue), _time.GetUtcNow()));
    }

    [Fact]
    public void A_round_that_follows_an_abort_this_node_never_read_reuses_or_drops_what_that_round_staged()
    {
        // Round 16 aborted while this node's Consul reads failed; its next read shows round 17
        // open. Staged, not working, a ballot of round 16: no decision of 16 will ever be read.
        var next = Status(Open(Proposal() with { Round = Round + 1 }));
        var leftover = Prepared(DateTimeOffset.MinValue);
        Assert.Equal(AgentAction.VoteStaged, Next(next, leftover));

        // Another version proposed: drop the leftover, then prepare the proposed one.
        var other = Status(Open(Proposal() with { Round = Round + 1, Version = "v43" }));
        Assert.Equal(AgentAction.Discard, Next(other, leftover));
        Assert.Equal(AgentAction.Prepare, Next(other, leftover with { Staged = null, StagedDual = false }));

        // Still preparing for round 16: that work is cancelled, and nothing else happens meanwhile.
        var working = leftover with { Working = true };
        Assert.True(AgentDecision.ShouldCancelWork(next, Me, working));
        Assert.Equal(AgentAction.Nothing, Next(next, working));
    }

    [Fact]
    public void An_abort_cancels_the_preparation_for_the_round()
    {
        var local = Idle with { Working = true, WorkRound = Round };
        Assert.False(AgentDecision.ShouldCancelWork(Status(Open(Proposal())), Me, local));
        var aborted = Status(Open(Proposal()) with { Decision = new Decision(Decision.Abort, "operator", ProposedVersion, ProposedAt) });
        Assert.True(AgentDecision.ShouldCancelWork(aborted, Me, local));
    }

    [Fact]
    public void A_commit_promotes_the_staged_version_and_then_acknowledges()
    {
        var committed = Status(Open(Proposal(), Yes(Me, "s-a1", ProposedAt), Yes("a2", "s-a2", ProposedAt))
            with { Decision = new Decision(Decision.Commit, null, ProposedVersion, ProposedAt) }, committed: ProposedVersion);
        Assert.Equal(AgentAction.Promote, Next(committed, Prepared(DateTimeOffset.MinValue)));
        var promoted = Prepared(DateTimeOffset.MinValue) with { Live = ProposedVersion, Staged = null, StagedDual = false };
        Assert.Equal(AgentAction.Nothing, Next(committed, promoted));
        Assert.True(AgentDecision.ShouldAcknowledge(committed, Me, promoted, _time.GetUtcNow()));
    }

    [Fact]
    public void An_acknowledgement_that_failed_waits_for_the_backoff()
    {
        var committed = Status(Open(Proposal()) with { Decision = new Decision(Decision.Commit, null, ProposedVersion, ProposedAt) }, committed: ProposedVersion);
        var live = Idle with { Live = ProposedVersion, RetryAt = _time.GetUtcNow() + TimeSpan.FromSeconds(1) };
        Assert.False(AgentDecision.ShouldAcknowledge(committed, Me, live, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(AgentDecision.ShouldAcknowledge(committed, Me, live, _time.GetUtcNow()));
    }

    [Fact]
    public void A_node_that_missed_the_commit_prepares_the_committed_version()
    {
        Assert.Equal(AgentAction.PrepareCommitted, Next(Status(null, committed: ProposedVersion), Idle));
    }

    [Fact]
    public void A_no_vote_says_what_is_wrong_with_a_refused_snapshot_and_names_any_other_failure()
    {
        Assert.Equal("checksum of data-0.sst does not match", AgentDecision.NoVoteReason(new SnapshotInvalidException("checksum of data-0.sst does not match")));
        Assert.Equal("IOException: disk full", AgentDecision.NoVoteReason(new IOException("disk full")));
    }
}
