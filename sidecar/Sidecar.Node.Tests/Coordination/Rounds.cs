using Sidecar.Store.Rollout;

namespace Sidecar.Node.Tests.Coordination;

/// <summary>Builds the rollout keys' state as a read would see it, for the decision tests.</summary>
internal static class Rounds
{
    public const ulong Round = 16;
    public const string ProposedVersion = "v42";

    public static readonly DateTimeOffset ProposedAt = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    public static Proposal Proposal(string coordinator = "a1", TimeSpan? deadline = null, params string[] nodes) =>
        new(Round, "req-1", ProposedVersion, "/registry/v42", RolloutRequest.ScopeDatacenter,
            (nodes.Length == 0 ? ["a1", "a2"] : nodes).Select(n => new Participant(n, "dc-a")).ToList(),
            ProposedAt + (deadline ?? TimeSpan.FromMinutes(10)), coordinator, ProposedAt, VersionNames.Initial, 7);

    public static VoteStatus Yes(string node, string? session, DateTimeOffset at) =>
        new(new Vote(node, true, null, at, 3.0), session, $"sidecar/rollout/rounds/{Round:D20}/votes/{node}");

    public static VoteStatus No(string node, string reason, DateTimeOffset at) =>
        new(new Vote(node, false, reason, at, 1.0), "s-" + node, $"sidecar/rollout/rounds/{Round:D20}/votes/{node}");

    public static RoundStatus Open(Proposal proposal, params VoteStatus[] votes) => new(proposal, 100, null, votes, []);

    public static RolloutStatus Status(RoundStatus? round, string committed = VersionNames.Initial) =>
        new(committed == VersionNames.Initial ? null : new CurrentVersion(committed, null, Round, ProposedAt), 7, null, 0, "a2", "s-a2", round, 200);
}
