using System.Diagnostics;
using Sidecar.Node.Apply;
using Sidecar.Node.Versions;

namespace Sidecar.Node.Ingest;

/// <summary>
/// Ingest's apply stage, one batch at a time and strictly in order: dead letters first, then the
/// batch to the live version (and, through <see cref="VersionSwap.BetweenBatches"/>, to a staged
/// version in dual apply), then the positions and the metrics; and on some turns a chunk of the
/// expiry sweep, which must not write beside the applier (<see cref="ExpirySweep"/>).
/// </summary>
internal sealed class BatchProcessor
{
    private readonly DeadLetterSender _deadLetters;
    private readonly VersionSwap _swap;
    private readonly ApplyProgress _progress;
    private readonly BatchMetrics _metrics;
    private readonly BatchApplier _applier;
    private readonly ExpirySweep _sweep;

    public BatchProcessor(DeadLetterSender deadLetters, VersionSwap swap, ApplyProgress progress, BatchMetrics metrics, UpdateConsumers consumers, ExpirySweep sweep)
    {
        _sweep = sweep;
        _deadLetters = deadLetters;
        _swap = swap;
        _progress = progress;
        _metrics = metrics;
        _applier = consumers.Applier();
    }

    /// <summary>A staged version waits for its final catch-up, which runs between two batches: run
    /// a turn even when no record arrives.</summary>
    public bool WantsTurn => _swap.WantsTurn || _sweep.Due;

    public void Process(List<DecodedRecord> batch, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        _deadLetters.Send(batch, stop);
        BatchResult result;
        using (var targets = _swap.BetweenBatches(stop))
        {
            result = batch.Count == 0 ? BatchResult.Empty : _applier.Apply(targets.Live, batch);
            targets.AlsoApply(batch);
            _sweep.Step(targets.Live);
        }

        foreach (var (partition, next) in result.Positions)
        {
            _progress.Advance(partition, next);
        }

        _metrics.Record(batch, result, Stopwatch.GetElapsedTime(started));
    }
}
