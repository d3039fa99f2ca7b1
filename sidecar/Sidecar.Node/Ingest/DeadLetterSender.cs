using Sidecar.Node.Apply;
using Sidecar.Node.Kafka;
using Sidecar.Node.Metrics;

namespace Sidecar.Node.Ingest;

/// <summary>
/// Dead letters are delivered before the batch's positions are stored, so a bad record is
/// never skipped without a trace; a crash in between delivers it again (at least once).
/// Undelivered ones are sent again, 100 ms apart doubling to at most 10 s, until they land or
/// ingest stops.
/// </summary>
internal sealed class DeadLetterSender
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    private readonly UpdateProducer _producer;
    private readonly NodeMetrics _metrics;
    private readonly ILogger<DeadLetterSender> _logger;

    public DeadLetterSender(UpdateProducer producer, NodeMetrics metrics, ILogger<DeadLetterSender> logger)
    {
        _producer = producer;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The wait before the next attempt after <paramref name="delay"/>: doubled, at most 10 s.</summary>
    public static TimeSpan NextDelay(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));

    /// <summary>Returns once every dead letter of <paramref name="batch"/> is delivered; throws when
    /// <paramref name="stop"/> ends the retries.</summary>
    public void Send(List<DecodedRecord> batch, CancellationToken stop)
    {
        var pending = batch.Where(r => r.DeadLetterReason is not null).ToList();
        var delay = FirstDelay;
        while (pending.Count > 0)
        {
            var failed = new List<DecodedRecord>();
            foreach (var record in pending)
            {
                _logger.LogWarning("Dead-lettering {Source}: {Reason}", record.Record.TopicPartitionOffset, record.DeadLetterReason);
                _producer.ProduceDeadLetter(record.Record, record.DeadLetterReason!, report =>
                {
                    if (report.Error.IsError)
                    {
                        lock (failed)
                        {
                            failed.Add(record);
                        }
                    }
                });
            }

            _producer.Flush(TimeSpan.FromSeconds(30));
            _metrics.DeadLetters.Add(pending.Count - failed.Count);
            pending = failed;
            if (pending.Count > 0)
            {
                _logger.LogError("{Count} dead letters were not delivered; retrying in {Delay}", pending.Count, delay);
                stop.WaitHandle.WaitOne(delay);
                stop.ThrowIfCancellationRequested();
                delay = NextDelay(delay);
            }
        }
    }
}
