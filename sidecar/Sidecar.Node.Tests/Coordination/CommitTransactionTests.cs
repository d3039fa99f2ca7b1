using Sidecar.Common.Consul;
using Sidecar.Node.Coordination.Decisions;
using Sidecar.Store.Rollout;
using static Sidecar.Node.Tests.Coordination.Rounds;

namespace Sidecar.Node.Tests.Coordination;

public sealed class CommitTransactionTests
{
    private static readonly RolloutKeys Keys = new("sidecar");

    [Fact]
    public void The_commit_checks_the_proposal_and_every_vote_then_moves_current_and_creates_the_decision()
    {
        var round = Open(Proposal(), Yes("a1", "s-a1", ProposedAt), Yes("a2", "s-a2", ProposedAt));
        var ops = CommitTransaction.Ops(round, Keys, ProposedAt + TimeSpan.FromSeconds(5));

        Assert.Equal(["check-index", "check-session", "check-session", "cas", "cas"], ops.Select(o => o.Verb));
        Assert.Equal((Keys.Proposal(Round), 100UL), (ops[0].Key, ops[0].Index!.Value));
        Assert.Equal(["s-a1", "s-a2"], ops.Skip(1).Take(2).Select(o => o.Session));
        Assert.Equal((Keys.Current, 7UL), (ops[3].Key, ops[3].Index!.Value));
        Assert.Equal((Keys.Decision(Round), 0UL), (ops[4].Key, ops[4].Index!.Value));

        var current = RolloutJson.Parse<CurrentVersion>(ops[3].Value!, ops[3].Key);
        Assert.Equal(new CurrentVersion(ProposedVersion, VersionNames.Initial, Round, ProposedAt + TimeSpan.FromSeconds(5)), current);
        var decision = RolloutJson.Parse<Decision>(ops[4].Value!, ops[4].Key);
        Assert.Equal(new Decision(Decision.Commit, null, ProposedVersion, ProposedAt + TimeSpan.FromSeconds(5)), decision);
    }

    [Fact]
    public void Only_a_refused_cas_of_current_means_the_committed_version_moved()
    {
        var round = Open(Proposal(), Yes("a1", "s-a1", ProposedAt), Yes("a2", "s-a2", ProposedAt));
        Assert.True(CommitTransaction.CurrentMoved(round, [new TxnError(3, "index mismatch")]));
        Assert.False(CommitTransaction.CurrentMoved(round, [new TxnError(2, "session mismatch")]));
        Assert.False(CommitTransaction.CurrentMoved(round, [new TxnError(4, "key exists")]));
        Assert.False(CommitTransaction.CurrentMoved(round, []));
    }
}
