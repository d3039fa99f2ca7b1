using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Replicator.Metrics;
using Sidecar.Replicator.Mirroring;

namespace Sidecar.Replicator.Delivery;

/// <summary>
/// The producer into the target, used by the mirror loop's thread only: records in flight,
/// backpressure, the delivery reports (which the loop serves itself, see
/// <c>KafkaClients.TargetProducer</c>), and the restart after a failed delivery.
/// </summary>
internal sealed class TargetProducer : IDisposable
{
    private readonly KafkaClients _clients;
    private readonly MirrorState _state;
    private readonly ReplicatorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ReportClock _clock;
    private readonly DeliverySchedule _schedule = new();
    private IProducer<byte[], byte[]> _producer;
    private int _inFlight; // produced, not yet reported; only the consume loop's thread touches it
    private volatile bool _resync;

    public TargetProducer(KafkaClients clients, MirrorState state, ReplicatorMetrics metrics, TimeProvider time, ILogger logger)
    {
        _clients = clients;
        _state = state;
        _metrics = metrics;
        _logger = logger;
        _clock = new ReportClock(time);
        _producer = Create();
    }

    /// <summary>Records produced and not yet reported.</summary>
    public int InFlight => _inFlight;

    /// <summary>The target refused a record: every partition must start again from its checkpoint (<see cref="Restart"/>).</summary>
    public bool ResyncRequested => _resync;

    /// <summary>
    /// Produces a record of <paramref name="progress"/>'s partition. Backpressure: when MaxInFlight
    /// records are unacknowledged, wait instead of buffering more.
    /// </summary>
    public void Produce(PartitionProgress progress, long offset, Message<byte[], byte[]> message, CancellationToken stop)
    {
        var originMs = message.Timestamp.UnixTimestampMs;
        var size = (message.Key?.Length ?? 0) + (message.Value?.Length ?? 0);
        Action<DeliveryReport<byte[], byte[]>> delivered = report => Delivered(progress, offset, originMs, size, report);
        while (true)
        {
            try
            {
                _producer.Produce(progress.Remote, message, delivered);
                _inFlight++;
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Waiting here is serving reports: nobody else does (see KafkaClients.TargetProducer).
                Serve(TimeSpan.FromMilliseconds(5));
                stop.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Serves the delivery reports that have arrived when <see cref="DeliverySchedule"/> says so.</summary>
    /// <param name="consumed">Whether the source had a record.</param>
    /// <param name="now">The loop's coarse clock (<see cref="Environment.TickCount64"/>).</param>
    public void ServeIfDue(bool consumed, long now)
    {
        if (_schedule.Due(consumed, now))
        {
            Serve(TimeSpan.Zero);
        }
    }

    /// <summary>Waits for every record produced to be acknowledged (or fail), serving their reports.</summary>
    /// <returns>How many were not.</returns>
    public int Flush(TimeSpan timeout)
    {
        _clock.Invalidate();
        return _producer.Flush(timeout);
    }

    /// <summary>After a failed delivery: drop the producer and start a new one (the partitions restart from the checkpoints).</summary>
    public void Restart()
    {
        _resync = false;
        _metrics.Resyncs.Add(1);
        Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _inFlight = 0;
        _producer = Create();
    }

    public void Dispose() => _producer.Dispose();

    /// <summary>Runs the delivery reports that have arrived, on this thread.</summary>
    private void Serve(TimeSpan timeout)
    {
        _schedule.Served(Environment.TickCount64);
        _clock.Invalidate();
        _producer.Poll(timeout);
    }

    private void Delivered(PartitionProgress progress, long offset, long originMs, int size, DeliveryReport<byte[], byte[]> report)
    {
        _inFlight--;
        _clock.Read();
        if (report.Error.IsError)
        {
            if (!_resync)
            {
                _logger.LogError("Target refused {Partition}@{Offset}: {Reason}; restarting from the checkpoints", progress.Source, offset, report.Error.Reason);
            }

            _resync = true;
            return;
        }

        progress.Acked(offset, _clock.Timestamp);
        _state.Mirrored(size);
        _metrics.Latency.Record(_clock.SecondsSince(originMs));
    }

    private IProducer<byte[], byte[]> Create() =>
        new ProducerBuilder<byte[], byte[]>(_clients.TargetProducer())
            .SetErrorHandler((_, e) => _logger.LogWarning("Target producer: {Reason}", e.Reason))
            .SetLogHandler(KafkaLog.To<IProducer<byte[], byte[]>>(_logger))
            .Build();
}
