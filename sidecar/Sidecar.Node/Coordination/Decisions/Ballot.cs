using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination.Decisions;

/// <summary>The vote this node reached for a round when its preparation ended (YES: the version is
/// staged in dual apply; NO: the reason). Kept in memory until it is written, and after: a vote
/// whose session is lost is written again from it, with the same content.</summary>
internal sealed record Ballot(ulong Round, Vote Vote);
