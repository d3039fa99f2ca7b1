using Sidecar.Node.Apply;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Versions;

/// <summary>
/// What one batch is applied to, leased for the batch by <see cref="VersionSwap.BetweenBatches"/>:
/// the live version and, in dual apply, the staged one too. Disposing releases both leases.
/// </summary>
internal sealed class BatchTargets : IDisposable
{
    private readonly StoreLease _live;
    private readonly StoreLease? _staged;
    private readonly BatchApplier? _stagedApplier;

    public BatchTargets(StoreLease live, StoreLease? staged, BatchApplier? stagedApplier)
    {
        _live = live;
        _staged = staged;
        _stagedApplier = stagedApplier;
    }

    public StoreVersion Live => _live.Version;

    /// <summary>The same batch to the staged version when it is in dual apply: it stays exactly as
    /// fresh as the live one.</summary>
    public void AlsoApply(IReadOnlyList<DecodedRecord> batch)
    {
        if (_staged is not null && _stagedApplier is not null && batch.Count > 0)
        {
            _stagedApplier.Apply(_staged.Value.Version, batch);
        }
    }

    public void Dispose()
    {
        _live.Dispose();
        _staged?.Dispose();
    }
}
