namespace Sidecar.Node.Coordination.Decisions;

/// <summary>What the agent's decision needs to know about this node, read at one moment.</summary>
/// <param name="Live">The live version's id.</param>
/// <param name="Staged">The staged version's id, or null.</param>
/// <param name="StagedDual">The staged version is in dual apply (as fresh as the live one).</param>
/// <param name="Working">A preparation is running.</param>
/// <param name="WorkRound">The round that preparation is for (null: preparing the committed version).</param>
/// <param name="Ballot">The vote reached for a round, if any.</param>
/// <param name="RetryAt">A Consul write failed: no vote or acknowledgement is tried before this.</param>
internal sealed record AgentLocalState(
    string Live,
    string? Staged,
    bool StagedDual,
    bool Working,
    ulong? WorkRound,
    Ballot? Ballot,
    DateTimeOffset RetryAt);
