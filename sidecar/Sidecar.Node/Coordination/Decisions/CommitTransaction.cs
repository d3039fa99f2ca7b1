using Sidecar.Common.Consul;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination.Decisions;

/// <summary>
/// A round's commit as one Consul transaction, all or nothing: the proposal is unchanged, every
/// vote is still held by its session, <c>rollout/current</c> moves from the version the round
/// started from (CAS on its index), and the decision is created (create-only, so it is written
/// once). Which operation Consul refused says what happened.
/// </summary>
internal static class CommitTransaction
{
    public static List<TxnOp> Ops(RoundStatus round, RolloutKeys keys, DateTimeOffset now)
    {
        var proposal = round.Proposal;
        var ops = new List<TxnOp> { TxnOp.CheckIndex(keys.Proposal(proposal.Round), round.ProposalIndex) };
        ops.AddRange(round.Votes.Select(v => TxnOp.CheckSession(v.Key, v.Session!)));
        ops.Add(TxnOp.Cas(keys.Current, RolloutJson.Bytes(new CurrentVersion(proposal.Version, proposal.Previous, proposal.Round, now)), proposal.CurrentIndex));
        ops.Add(TxnOp.Cas(keys.Decision(proposal.Round), RolloutJson.Bytes(new Decision(Decision.Commit, null, proposal.Version, now)), 0));
        return ops;
    }

    /// <summary>Whether the refusal was the CAS of <c>rollout/current</c>: the committed version
    /// changed during the round, which no later read can repair (the round must abort). A lost
    /// vote or a decision written first shows in the next read instead.</summary>
    public static bool CurrentMoved(RoundStatus round, IEnumerable<TxnError> errors) =>
        errors.Any(e => e.OpIndex == 1 + round.Votes.Count);
}
