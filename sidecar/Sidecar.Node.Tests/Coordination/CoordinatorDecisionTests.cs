using Microsoft.Extensions.Time.Testing;
using Sidecar.Node.Coordination.Decisions;
using static Sidecar.Node.Tests.Coordination.Rounds;

namespace Sidecar.Node.Tests.Coordination;

public sealed class CoordinatorDecisionTests
{
    private static readonly TimeSpan VoteTimeout = TimeSpan.FromSeconds(30);
    private static readonly HashSet<string> Everyone = ["a1", "a2"];

    private readonly FakeTimeProvider _time = new(ProposedAt);

    private RoundVerdict Decide(Store.Rollout.RoundStatus round, IReadOnlySet<string>? healthy) =>
        CoordinatorDecision.Decide(round, healthy, _time.GetUtcNow(), VoteTimeout);

    [Fact]
    public void Every_live_yes_vote_commits()
    {
        var round = Open(Proposal(), Yes("a1", "s-a1", ProposedAt), Yes("a2", "s-a2", ProposedAt));
        Assert.Equal(RoundVerdict.Commit, Decide(round, Everyone));
        Assert.False(CoordinatorDecision.NeedsHealth(round));
    }

    [Fact]
    public void A_no_vote_aborts_with_its_reason()
    {
        var verdict = Decide(Open(Proposal(), Yes("a1", "s-a1", ProposedAt), No("a2", "checksum mismatch in data-000001.sst", ProposedAt)), Everyone);
        Assert.Equal(RoundVerdict.Kind.Abort, verdict.Action);
        Assert.Equal("a2 voted NO: checksum mismatch in data-000001.sst", verdict.Reason);
    }

    [Fact]
    public void A_vote_whose_voter_is_unhealthy_and_lost_its_session_aborts_at_once()
    {
        var verdict = Decide(Open(Proposal(), Yes("a1", null, ProposedAt), Yes("a2", "s-a2", ProposedAt)), new HashSet<string> { "a2" });
        Assert.Equal(RoundVerdict.Kind.Abort, verdict.Action);
        Assert.Contains("a1 lost its session after voting", verdict.Reason);
    }

    [Fact]
    public void A_silent_participant_that_is_no_longer_healthy_aborts_at_once()
    {
        var verdict = Decide(Open(Proposal(), Yes("a2", "s-a2", ProposedAt)), new HashSet<string> { "a2" });
        Assert.Equal(RoundVerdict.Kind.Abort, verdict.Action);
        Assert.Equal("a1 stopped being healthy before voting", verdict.Reason);
    }

    [Fact]
    public void A_healthy_voter_whose_session_was_lost_is_waited_for_until_it_places_its_vote_again()
    {
        // a1's Consul server went away: its session ended and released the vote; a1 is passing
        // again and re-placing it. Not aborted at once...
        var voted = ProposedAt + TimeSpan.FromSeconds(4);
        _time.SetUtcNow(voted + TimeSpan.FromSeconds(6));
        var lost = Open(Proposal(), Yes("a1", null, voted), Yes("a2", "s-a2", voted));
        Assert.True(CoordinatorDecision.NeedsHealth(lost));
        Assert.Equal(RoundVerdict.Wait, Decide(lost, Everyone));

        // ...and the vote re-placed with the new session commits (the transaction checks that session).
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RoundVerdict.Commit, Decide(Open(Proposal(), Yes("a1", "s-a1-new", voted), Yes("a2", "s-a2", voted)), Everyone));
    }

    [Fact]
    public void A_round_whose_coordinators_agent_was_lost_decides_within_the_vote_timeout()
    {
        // a1 coordinated and prepared, but its vote never reached Consul (its server died) and it
        // never retried; a2 took the leader lock. a1 is passing again.
        var a2Voted = ProposedAt + TimeSpan.FromSeconds(3);
        var round = Open(Proposal(coordinator: "a1"), Yes("a2", "s-a2", a2Voted));

        _time.SetUtcNow(a2Voted + VoteTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(RoundVerdict.Wait, Decide(round, Everyone));

        _time.Advance(TimeSpan.FromMilliseconds(2));
        var verdict = Decide(round, Everyone);
        Assert.Equal(RoundVerdict.Kind.Abort, verdict.Action);
        Assert.StartsWith("no live vote from a1 within Rollout:VoteTimeout", verdict.Reason);
        Assert.True(_time.GetUtcNow() - ProposedAt < TimeSpan.FromMinutes(1), "decided long before the 10-minute deadline");
    }

    [Fact]
    public void The_vote_timeout_also_decides_when_health_cannot_be_read()
    {
        var round = Open(Proposal(), Yes("a2", "s-a2", ProposedAt));
        Assert.Equal(RoundVerdict.Wait, Decide(round, healthy: null));
        _time.Advance(VoteTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(RoundVerdict.Kind.Abort, Decide(round, healthy: null).Action);
    }

    [Fact]
    public void A_re_placed_vote_keeps_its_time_so_the_clock_does_not_restart()
    {
        var first = ProposedAt + TimeSpan.FromSeconds(2);
        var round = Open(Proposal(nodes: ["a1", "a2", "a3"]), Yes("a1", null, first), Yes("a2", "s-a2", first + TimeSpan.FromSeconds(20)));
        Assert.Equal(first, CoordinatorDecision.FirstVoteAt(round));
        _time.SetUtcNow(first + VoteTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(RoundVerdict.Kind.Abort, Decide(round, new HashSet<string> { "a1", "a2", "a3" }).Action);
    }

    [Fact]
    public void Without_any_vote_only_the_deadline_ends_a_round_of_healthy_participants()
    {
        // Nobody is known to be prepared yet: a big snapshot may take long to prepare everywhere.
        var round = Open(Proposal(deadline: TimeSpan.FromMinutes(10)));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(RoundVerdict.Wait, Decide(round, Everyone));
        _time.Advance(TimeSpan.FromMinutes(2));
        var verdict = Decide(round, Everyone);
        Assert.Equal("deadline passed without a vote from a1, a2", verdict.Reason);
    }
}
