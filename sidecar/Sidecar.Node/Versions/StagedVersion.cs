using Sidecar.Node.Storage;

namespace Sidecar.Node.Versions;

/// <summary>
/// A version being prepared beside the live one. Ingest first catches it up to exactly the live
/// version's positions (between two batches), then applies every batch to both; from then on
/// (<see cref="SwapPhase.Dual"/>) the two hold the same streamed updates and a swap loses none.
/// Its phase moves only under <see cref="VersionSwap"/>'s lock.
/// </summary>
internal sealed class StagedVersion
{
    private readonly TaskCompletionSource _dual = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StagedVersion(StoreVersion version) => Version = version;

    public StoreVersion Version { get; }

    public SwapState State { get; } = new();

    public SwapPhase Phase => State.Phase;

    /// <summary>Completes once ingest applies every new batch to this version too; faults when it
    /// fails or is discarded first.</summary>
    public Task DualReady => _dual.Task;

    internal void SignalDual() => _dual.TrySetResult();

    internal void SignalFailed(Exception e) => _dual.TrySetException(e);
}
