using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination.Decisions;

/// <summary>
/// The coordinator's decision for an undecided round, as a function of what it read: the round's
/// keys, which participants Consul lists as passing (null when that could not be asked), the time
/// and <c>Rollout:VoteTimeout</c>. No I/O: a new leader reading the same keys decides the same.
/// <list type="number">
/// <item>A NO vote aborts.</item>
/// <item>Every participant holding a live vote (a session) commits; the commit transaction checks
/// each of those sessions again, so a vote lost in between fails it.</item>
/// <item>Past the request's deadline, abort.</item>
/// <item>A participant without a live vote that Consul no longer lists as passing aborts the
/// round: it died, or stopped being ready (its session, bound to its readiness check, is gone).</item>
/// <item>A participant without a live vote that is still passing is retrying: its write failed
/// (its Consul server was away) or its session was lost and re-created, and it re-places its vote
/// with the new session. It is waited for, but only until <c>VoteTimeout</c> after the round's
/// first vote (some participant had then prepared the same snapshot): then abort and name it.</item>
/// </list>
/// </summary>
internal static class CoordinatorDecision
{
    public static RoundVerdict Decide(RoundStatus round, IReadOnlySet<string>? healthy, DateTimeOffset now, TimeSpan voteTimeout)
    {
        var proposal = round.Proposal;
        if (round.Votes.FirstOrDefault(v => !v.Vote.Yes) is { } no)
        {
            return RoundVerdict.Abort($"{no.Vote.Node} voted NO: {no.Vote.Reason}");
        }

        var pending = proposal.Participants.Select(p => p.Node).Where(n => round.VoteOf(n) is not { Alive: true }).ToList();
        if (pending.Count == 0)
        {
            return RoundVerdict.Commit;
        }

        if (now > proposal.Deadline)
        {
            return RoundVerdict.Abort($"deadline passed without a vote from {string.Join(", ", pending)}");
        }

        if (healthy is not null)
        {
            var lost = pending.Where(n => !healthy.Contains(n) && round.VoteOf(n) is not null).ToList();
            if (lost.Count > 0)
            {
                return RoundVerdict.Abort($"{string.Join(", ", lost)} lost its session after voting (it died or stopped being ready)");
            }

            var gone = pending.Where(n => !healthy.Contains(n)).ToList();
            if (gone.Count > 0)
            {
                return RoundVerdict.Abort($"{string.Join(", ", gone)} stopped being healthy before voting");
            }
        }

        if (FirstVoteAt(round) is { } first && now > first + voteTimeout)
        {
            return RoundVerdict.Abort($"no live vote from {string.Join(", ", pending)} within Rollout:VoteTimeout ({voteTimeout}) of the first vote ({first:O})");
        }

        return RoundVerdict.Wait;
    }

    /// <summary>When the first participant was known to be prepared: the earliest vote's time, of a
    /// live vote or of one whose session was lost (a re-placed vote keeps its time).</summary>
    public static DateTimeOffset? FirstVoteAt(RoundStatus round) =>
        round.Votes.Count == 0 ? null : round.Votes.Min(v => v.Vote.At);

    /// <summary>Whether the decision needs the participants' health: some participant has no live vote.</summary>
    public static bool NeedsHealth(RoundStatus round) =>
        round.Votes.All(v => v.Vote.Yes) && round.Proposal.Participants.Any(p => round.VoteOf(p.Node) is not { Alive: true });
}
