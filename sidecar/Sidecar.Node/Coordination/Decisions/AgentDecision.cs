using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Node.Coordination.Decisions;

/// <summary>
/// The snapshot agent's decisions, as functions of the rollout keys read at one index, this node's
/// state and the time. No I/O: what the agent does after a restart, a lost session or a failed
/// write follows from what it reads, so it resumes by itself.
/// <para>The vote rule: while a round is undecided, a participant that prepared it keeps its vote
/// in Consul. It writes it when it has none there, and writes it again (same content, the current
/// session) when the one there lost its session; a failed write is tried again after a bounded
/// backoff. This is safe at any moment: the commit transaction checks the session of every vote
/// it counts, and the decision is create-only, so a vote placed after an abort changes nothing.</para>
/// </summary>
internal static class AgentDecision
{
    /// <summary>The round this node takes part in, or null.</summary>
    public static RoundStatus? MyRound(RolloutStatus status, string me) =>
        status.Round is { } r && r.IsParticipant(me) ? r : null;

    /// <summary>A preparation for a round that was aborted, or is no longer the latest, is cancelled.</summary>
    public static bool ShouldCancelWork(RolloutStatus status, string me, AgentLocalState local) =>
        local is { Working: true, WorkRound: { } working }
        && MyRound(status, me) is var round
        && (round is null || round.Proposal.Round != working || round.Decision is { Committed: false });

    public static AgentAction Next(RolloutStatus status, string me, AgentLocalState local, DateTimeOffset now)
    {
        var round = MyRound(status, me);
        var committed = status.CommittedVersion;
        if (committed != local.Live)
        {
            if (local.Staged == committed && local.StagedDual)
            {
                return AgentAction.Promote;
            }

            return local.Working ? AgentAction.Nothing : AgentAction.PrepareCommitted;
        }

        if (round is { Decision: null })
        {
            var mine = round.VoteOf(me);
            if (mine is { Alive: true })
            {
                return AgentAction.Nothing;
            }

            if (BallotFor(round, local) is not null)
            {
                return now < local.RetryAt ? AgentAction.Nothing : mine is null ? AgentAction.Vote : AgentAction.Revote;
            }

            if (local.Working)
            {
                return AgentAction.Nothing;
            }

            // Nothing prepared for this round (or a restart lost it): prepare, then vote. Something
            // staged without a ballot for this round was left by an earlier round whose decision
            // this node never read (Consul was away, or the next round came first): waiting for
            // that decision would wait forever, so reuse it when it is the proposed version, else
            // drop it (and prepare at the next step).
            return local.Staged is null ? AgentAction.Prepare
                : local.Staged == round.Proposal.Version && local.StagedDual ? AgentAction.VoteStaged
                : AgentAction.Discard;
        }

        return !local.Working && local.Staged is not null && (round is null || round.Decision is not null)
            ? AgentAction.Discard
            : AgentAction.Nothing;
    }

    /// <summary>The ballot to write for <paramref name="round"/>: one reached for it, and for a YES the
    /// proposed version still staged in dual apply (a YES is a promise to swap on commit).</summary>
    public static Ballot? BallotFor(RoundStatus round, AgentLocalState local) =>
        local.Ballot is { } b && b.Round == round.Proposal.Round
        && (!b.Vote.Yes || (local.Staged == round.Proposal.Version && local.StagedDual))
            ? b
            : null;

    /// <summary>A decided round this node took part in is acknowledged once its outcome is applied
    /// here (the version live on commit; nothing of it staged or being prepared on abort).</summary>
    public static bool ShouldAcknowledge(RolloutStatus status, string me, AgentLocalState local, DateTimeOffset now)
    {
        if (status.Round is not { Decision: { } decision } round || !round.IsParticipant(me) || round.Acks.Any(a => a.Node == me) || now < local.RetryAt)
        {
            return false;
        }

        return decision.Committed
            ? local.Live == round.Proposal.Version
            : local.Staged != round.Proposal.Version && (local.WorkRound != round.Proposal.Round || !local.Working);
    }

    /// <summary>The reason a NO vote carries: a refused snapshot says what is wrong with it (its
    /// message is written for the operator); anything else also names what failed.</summary>
    public static string NoVoteReason(Exception failure) =>
        failure is SnapshotInvalidException ? failure.Message : $"{failure.GetType().Name}: {failure.Message}";
}
