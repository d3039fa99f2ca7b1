namespace Sidecar.Node.Coordination.Decisions;

/// <summary>The snapshot agent's next step at one read of the rollout keys.</summary>
internal enum AgentAction
{
    Nothing,

    /// <summary>The committed version is staged in dual apply: swap it in.</summary>
    Promote,

    /// <summary>The committed version is not live and not staged (a missed round, a restart): prepare
    /// it (dropping anything else staged), then promote it.</summary>
    PrepareCommitted,

    /// <summary>An undecided round this node takes part in, with nothing prepared for it: prepare the
    /// proposed version, then vote.</summary>
    Prepare,

    /// <summary>Prepared for the round, no vote in Consul yet (the first write, or one that failed): write it.</summary>
    Vote,

    /// <summary>Prepared and voted, but the vote lost its session (its Consul server was away, the
    /// readiness check flapped): write it again with the current session.</summary>
    Revote,

    /// <summary>An undecided round proposes the version that is staged here in dual apply already,
    /// with no ballot for this round: left by an earlier round of the same version that this node
    /// never saw decided (its reads jumped from that round, still open, to this one). Vote YES for
    /// it as it is.</summary>
    VoteStaged,

    /// <summary>Something is staged that no undecided round needs (an abort, or an earlier round
    /// this node never saw decided): drop it.</summary>
    Discard,
}
