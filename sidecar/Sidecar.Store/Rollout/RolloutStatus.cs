using Sidecar.Common.Consul;

namespace Sidecar.Store.Rollout;

/// <summary>
/// Everything under <c>rollout/</c> read at one Consul index: the committed version, a pending
/// request, the leader, and the latest round with its votes and acknowledgements. The
/// coordinator, the participants and <c>sidecarctl rollout status</c> all decide from this.
/// </summary>
public sealed record RolloutStatus(
    CurrentVersion? Current,
    ulong CurrentIndex,
    RolloutRequest? Request,
    ulong RequestIndex,
    string? Leader,
    string? LeaderSession,
    RoundStatus? Round,
    ulong Index)
{
    public static RolloutStatus From(IReadOnlyList<KvPair> pairs, RolloutKeys keys, ulong index)
    {
        CurrentVersion? current = null;
        RolloutRequest? request = null;
        ulong currentIndex = 0, requestIndex = 0;
        string? leader = null, leaderSession = null;
        var latest = pairs.Select(p => keys.RoundOf(p.Key)).Max();
        KvPair? proposal = null;
        Decision? decision = null;
        var votes = new List<VoteStatus>();
        var acks = new List<Ack>();
        foreach (var pair in pairs)
        {
            if (pair.Key == keys.Current)
            {
                current = RolloutJson.Parse<CurrentVersion>(pair.Value, pair.Key);
                currentIndex = pair.ModifyIndex;
            }
            else if (pair.Key == keys.Request)
            {
                request = RolloutJson.Parse<RolloutRequest>(pair.Value, pair.Key);
                requestIndex = pair.ModifyIndex;
            }
            else if (pair.Key == keys.Leader)
            {
                leader = pair.Session is null ? null : pair.ValueText;
                leaderSession = pair.Session;
            }
            else if (latest is { } round && keys.RoundOf(pair.Key) == round)
            {
                if (pair.Key == keys.Proposal(round))
                {
                    proposal = pair;
                }
                else if (pair.Key == keys.Decision(round))
                {
                    decision = RolloutJson.Parse<Decision>(pair.Value, pair.Key);
                }
                else if (pair.Key.StartsWith(keys.VotesPrefix(round), StringComparison.Ordinal))
                {
                    votes.Add(new VoteStatus(RolloutJson.Parse<Vote>(pair.Value, pair.Key), pair.Session, pair.Key));
                }
                else if (pair.Key.StartsWith(keys.AcksPrefix(round), StringComparison.Ordinal))
                {
                    acks.Add(RolloutJson.Parse<Ack>(pair.Value, pair.Key));
                }
            }
        }

        var roundStatus = proposal is null
            ? null
            : new RoundStatus(RolloutJson.Parse<Proposal>(proposal.Value, proposal.Key), proposal.ModifyIndex, decision, votes, acks);
        return new RolloutStatus(current, currentIndex, request, requestIndex, leader, leaderSession, roundStatus, index);
    }

    /// <summary>The committed version; "initial" before any rollout committed.</summary>
    public string CommittedVersion => Current?.Version ?? VersionNames.Initial;
}

/// <summary>A round: its proposal, the decision if taken, votes and acknowledgements.</summary>
public sealed record RoundStatus(Proposal Proposal, ulong ProposalIndex, Decision? Decision, IReadOnlyList<VoteStatus> Votes, IReadOnlyList<Ack> Acks)
{
    public VoteStatus? VoteOf(string node) => Votes.FirstOrDefault(v => v.Vote.Node == node);

    public bool IsParticipant(string node) => Proposal.Participants.Any(p => p.Node == node);
}

/// <summary>A vote and the session holding it; a null session means the voter's session died.</summary>
public sealed record VoteStatus(Vote Vote, string? Session, string Key)
{
    public bool Alive => Session is not null;
}
