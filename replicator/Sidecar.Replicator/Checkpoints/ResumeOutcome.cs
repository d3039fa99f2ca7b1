namespace Sidecar.Replicator.Checkpoints;

/// <summary>The cases of <see cref="ResumePolicy.Decide"/>.</summary>
internal enum ResumeOutcome
{
    /// <summary>The target holds no checkpoint: mirror from the source's beginning.</summary>
    NoCheckpoint,

    /// <summary>The source holds the record after the checkpoint (or that is its end): resume there.</summary>
    AfterCheckpoint,

    /// <summary>A gap, with <c>GapPolicy.Stop</c>: the partition is not mirrored until an operator acts.</summary>
    GapStopped,

    /// <summary>A gap, with <c>GapPolicy.Skip</c>: continue from the oldest record the source has.</summary>
    GapSkipped,
}
