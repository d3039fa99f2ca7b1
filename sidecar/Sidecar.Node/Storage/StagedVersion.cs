namespace Sidecar.Node.Storage;

/// <summary>
/// A version being prepared beside the live one. Ingest first catches it up to exactly the live
/// version's positions (between two batches), then applies every batch to both; from then on
/// (<see cref="Dual"/>) the two hold the same streamed updates and a swap loses none.
/// </summary>
internal sealed class StagedVersion
{
    private readonly TaskCompletionSource _dual = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StagedVersion(StoreVersion version) => Version = version;

    public StoreVersion Version { get; }

    public bool Dual => _dual.Task.IsCompletedSuccessfully;

    /// <summary>Waiting for ingest's final catch-up (neither dual nor failed yet).</summary>
    public bool Pending => !_dual.Task.IsCompleted;

    /// <summary>Completes once ingest applies every new batch to this version too.</summary>
    public Task DualReady => _dual.Task;

    public void MarkDual() => _dual.TrySetResult();

    public void Fail(Exception e) => _dual.TrySetException(e);
}
