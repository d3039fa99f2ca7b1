using Sidecar.Common.Consul;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination.Decisions;

/// <summary>
/// Whether a pending request can become an open round, as a function of what the coordinator read:
/// the committed version, whether the version is in the versions index, and the followers. A
/// refused request still becomes a round, decided at once as an abort with the reason, so the
/// operator sees why (<c>sidecarctl rollout status</c>).
/// </summary>
internal static class ProposalDecision
{
    /// <summary>At most this many participants: the commit transaction checks the proposal, every
    /// vote, CASes <c>rollout/current</c> and creates the decision, within Consul's 64 operations.</summary>
    public const int MaxParticipants = TxnOp.MaxOperations - 4;

    /// <summary>Why the version cannot be rolled out, or null. <paramref name="published"/> is
    /// whether the versions index holds it (read only when it is not the committed version);
    /// <c>initial</c>, the empty store fed by Kafka, is on every node's disk and in no index.</summary>
    public static string? VersionRefusal(string version, string committedVersion, bool published) =>
        version == committedVersion ? $"{version} is already the committed version"
        : !published && version != VersionNames.Initial ? $"version {version} is not published"
        : null;

    /// <summary>Why the round cannot go to <paramref name="followers"/>, or null: the scope's rule,
    /// then at least one and at most <see cref="MaxParticipants"/> participants.</summary>
    public static string? ParticipantsRefusal(string scope, Followers followers, string here) =>
        ScopeRefusal(scope, followers, here)
        ?? (followers.Participants.Count == 0 ? "no healthy node to roll out to"
        : followers.Participants.Count > MaxParticipants ? $"{followers.Participants.Count} participants do not fit one Consul transaction (at most {MaxParticipants})"
        : null);

    /// <summary>
    /// Why the scope cannot be honoured, or null. A global round must reach every node of every
    /// datacenter, so every node must follow these keys; a datacenter round must not have followers
    /// in other datacenters (they would apply its outcome without having voted).
    /// </summary>
    public static string? ScopeRefusal(string scope, Followers followers, string here)
    {
        if (scope == RolloutRequest.ScopeGlobal && followers.Unreachable.Count > 0)
        {
            return $"scope global, but datacenter {string.Join(", ", followers.Unreachable)} cannot be reached to list its nodes";
        }

        if (scope == RolloutRequest.ScopeGlobal && followers.Elsewhere.Count > 0)
        {
            return $"scope global needs every node to follow the rollouts of {here} (Rollout:Datacenter); "
                + $"{string.Join(", ", followers.Elsewhere.Select(p => $"{p.Node} ({p.Datacenter})"))} follow another datacenter's";
        }

        if (scope == RolloutRequest.ScopeDatacenter && followers.Participants.Where(p => p.Datacenter != here).ToList() is { Count: > 0 } remote)
        {
            return $"scope dc, but nodes of other datacenters follow the rollouts of {here}: "
                + $"{string.Join(", ", remote.Select(p => $"{p.Node} ({p.Datacenter})"))}; use scope global";
        }

        // Votes and acknowledgements are keyed by node id.
        if (followers.Participants.GroupBy(p => p.Node).Where(g => g.Count() > 1).Select(g => g.Key).ToList() is { Count: > 0 } twice)
        {
            return $"node ids must be unique across datacenters: {string.Join(", ", twice)} appear more than once";
        }

        return scope is RolloutRequest.ScopeGlobal or RolloutRequest.ScopeDatacenter ? null : $"unknown scope '{scope}'";
    }
}
