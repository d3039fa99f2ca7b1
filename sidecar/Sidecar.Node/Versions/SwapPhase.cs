namespace Sidecar.Node.Versions;

/// <summary>Where a version being prepared beside the live one is on its way to the swap.</summary>
internal enum SwapPhase
{
    /// <summary>Opened; caught up in the background, off the ingest thread. Ingest does not see it yet.</summary>
    CatchingUp,

    /// <summary>Beside the live version, waiting for ingest's final catch-up between two batches.</summary>
    Staged,

    /// <summary>Caught up to exactly the live positions; every batch goes to it too. Only this phase may be promoted.</summary>
    Dual,

    /// <summary>Its catch-up failed: its node votes NO; live ingest goes on. It waits to be discarded.</summary>
    Failed,

    /// <summary>Live (terminal).</summary>
    Promoted,

    /// <summary>Let go of: a round aborted, its preparation failed or was cancelled (terminal).</summary>
    Discarded,
}
