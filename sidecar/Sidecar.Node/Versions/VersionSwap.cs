using Confluent.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Versions;

/// <summary>
/// The one owner of a version's way into service: staging → catch-up → dual apply → swap
/// (promote) or discard. The snapshot agent hands it an opened version and asks it to promote or
/// discard; ingest sees it as one hook between two batches (<see cref="BetweenBatches"/>). Its
/// state machine is <see cref="SwapState"/>; <see cref="VersionedStore"/> only holds the directories
/// and leases and flips the live pointer.
/// </summary>
internal sealed class VersionSwap : IDisposable
{
    private readonly VersionedStore _store;
    private readonly CatchUp _catchUp;
    private readonly ApplyProgress _progress;
    private readonly ILogger<VersionSwap> _logger;
    // Its own applier: an applier reuses its buffers (and the result's Fresh array) per batch.
    private readonly BatchApplier _stagedApplier;
    // Guards every phase move and the pairing of the store's leases with _staged. Never held while a
    // database closes (the store releases versions outside its own lock too): ingest takes it per batch.
    private readonly Lock _lock = new();
    // The version last staged, kept after its promotion or discard (Staged hides those): a batch
    // whose leases were taken before a promote finds it by identity and still goes to it.
    private StagedVersion? _staged;

    public VersionSwap(VersionedStore store, CatchUp catchUp, ApplyProgress progress, UpdateConsumers consumers, ILogger<VersionSwap> logger)
    {
        _store = store;
        _catchUp = catchUp;
        _progress = progress;
        _logger = logger;
        _stagedApplier = consumers.Applier();
    }

    /// <summary>The version beside the live one (staged, dual, or failed and not yet discarded).</summary>
    public StagedVersion? Staged =>
        Volatile.Read(ref _staged) is { Phase: not (SwapPhase.Promoted or SwapPhase.Discarded) } staged ? staged : null;

    /// <summary>A staged version waits for its final catch-up, which runs between two batches: the
    /// ingest loop gives it a turn even when no record arrives.</summary>
    public bool WantsTurn => Staged is { Phase: SwapPhase.Staged };

    /// <summary>
    /// Takes <paramref name="version"/> (opened, not live) to dual apply: most of the catch-up here,
    /// then the last stretch by ingest between two batches. Returns once every batch goes to it too.
    /// It owns the version from the call on: on failure or cancellation it discards it and rethrows.
    /// </summary>
    public async Task<StagedVersion> PrepareAsync(StoreVersion version, CancellationToken cancellationToken)
    {
        var staged = new StagedVersion(version);
        try
        {
            // Most of the catch-up off the ingest thread; ingest does the last stretch between two
            // batches and from then on applies every batch to both versions.
            await Task.Run(() => _catchUp.Run(version, _progress.Snapshot(), cancellationToken), cancellationToken);
            Stage(staged);
            await staged.DualReady.WaitAsync(cancellationToken);
            return staged;
        }
        catch
        {
            Discard(staged);
            throw;
        }
    }

    /// <summary>The commit: one pointer swap, only of a version in dual apply; readers holding the old
    /// version finish on it.</summary>
    public void Promote(string id)
    {
        StagedVersion promoted;
        lock (_lock)
        {
            if (_staged is not { Phase: SwapPhase.Dual } staged || staged.Version.Id != id)
            {
                throw new InvalidOperationException($"version {id} is not staged and caught up");
            }

            // Still dual for a batch that leased both before the flip (ReachedDual stays true).
            staged.State.Move(SwapPhase.Promoted);
            promoted = staged;
        }

        _store.Promote(promoted.Version);
    }

    /// <summary>Drops a version being prepared (a round aborted, its preparation failed or was
    /// cancelled); a second discard, or one of a promoted version, does nothing.</summary>
    public void Discard(StagedVersion staged)
    {
        bool wasStaged;
        lock (_lock)
        {
            wasStaged = staged.Phase != SwapPhase.CatchingUp;
            if (!staged.State.TryMove(SwapPhase.Discarded))
            {
                return;
            }

            staged.SignalFailed(new OperationCanceledException($"version {staged.Version.Id} was discarded"));
        }

        if (wasStaged)
        {
            _store.Discard(staged.Version);
        }
        else
        {
            // Never placed beside the live one: only this preparation held it.
            staged.Version.Release();
        }
    }

    /// <summary>
    /// Ingest's hook, called by its apply stage before each batch, with nothing else applying:
    /// leases the live version and the staged one as one consistent pair (a swap cannot happen
    /// between the two), and runs a waiting version's final catch-up. The caller applies the batch
    /// to <see cref="BatchTargets.Live"/>, then <see cref="BatchTargets.AlsoApply"/>, then disposes.
    /// </summary>
    public BatchTargets BetweenBatches(CancellationToken stop)
    {
        StoreLease live;
        StoreLease? besideLease;
        StagedVersion? staged;
        lock (_lock)
        {
            (live, besideLease) = _store.AcquirePair();
            staged = besideLease is { } lease && _staged?.Version == lease.Version ? _staged : null;
        }

        if (staged is { Phase: SwapPhase.Staged })
        {
            FinalCatchUp(staged, stop);
        }

        return new BatchTargets(live, besideLease, staged is { State.ReachedDual: true } ? _stagedApplier : null);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            // The store releases the version itself; whoever waits for it learns why.
            _staged?.SignalFailed(new ObjectDisposedException(nameof(VersionedStore)));
        }
    }

    private void Stage(StagedVersion staged)
    {
        lock (_lock)
        {
            _store.Place(staged.Version);
            staged.State.Move(SwapPhase.Staged);
            Volatile.Write(ref _staged, staged);
        }
    }

    /// <summary>
    /// The staged version was caught up in the background to some earlier positions; between
    /// two batches (nothing else is applying) bring it to exactly the live version's positions,
    /// after which every batch goes to both.
    /// </summary>
    private void FinalCatchUp(StagedVersion staged, CancellationToken stop)
    {
        try
        {
            _catchUp.Run(staged.Version, _progress.Snapshot(), stop);
            lock (_lock)
            {
                // Refused when it was discarded meanwhile: it then gets no batch.
                if (!staged.State.TryMove(SwapPhase.Dual))
                {
                    return;
                }

                staged.SignalDual();
            }

            _logger.LogInformation("Version {Version} is caught up; every batch now goes to it too", staged.Version.Id);
        }
        catch (Exception e) when (e is KafkaException or RocksDbSharp.RocksDbException or Sidecar.Store.Snapshots.SnapshotInvalidException)
        {
            // The staged version fails its preparation (its node votes NO); live ingest goes on.
            _logger.LogError(e, "Catching up staged version {Version} failed", staged.Version.Id);
            lock (_lock)
            {
                staged.State.TryMove(SwapPhase.Failed);
                staged.SignalFailed(e);
            }
        }
    }
}
