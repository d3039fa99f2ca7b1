using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Kafka;
using Sidecar.Replicator.Assignment;
using Sidecar.Replicator.Checkpoints;
using Sidecar.Replicator.Configuration;
using Sidecar.Replicator.Delivery;
using Sidecar.Replicator.Metrics;
using Sidecar.Replicator.Topics;

namespace Sidecar.Replicator.Mirroring;

/// <summary>
/// Mirrors the source datacenter's own topics into the target as <c>&lt;source&gt;.&lt;topic&gt;</c>,
/// partition for partition and in order, adding origin headers. Instances of one direction share
/// the partitions through a consumer group on the source; each partition starts from the
/// checkpoint held by the target (<see cref="CheckpointReader"/>), never from a group offset.
/// Delivery is at least once; the nodes apply each origin record once.
/// </summary>
/// <remarks>
/// One thread runs the loop: it starts assigned partitions (<see cref="PartitionStarter"/>),
/// consumes a record, produces it (<see cref="TargetProducer"/>, which also serves the delivery
/// reports), and now and then writes heartbeats and commits group offsets. Every part logs under
/// this class's category, as the loop did before it was split: log filters keep working.
/// </remarks>
internal sealed class MirrorService : BackgroundService
{
    // Group offsets are for Kafka tooling only (GroupOffsets): every few seconds is enough.
    private const long CommitIntervalMs = 5_000;

    private readonly ReplicatorOptions _options;
    private readonly KafkaClients _clients;
    private readonly MirrorState _state;
    private readonly ReplicatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PartitionAssignment _assignment;

    public MirrorService(IOptions<ReplicatorOptions> options, MirrorState state, ReplicatorMetrics metrics, TimeProvider time, ILogger<MirrorService> logger)
    {
        _options = options.Value;
        _clients = new KafkaClients(_options);
        _state = state;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _assignment = new PartitionAssignment(state, logger);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        using var starter = new PartitionStarter(_options, _clients, _assignment, _metrics, _time, _logger);
        using var heartbeats = new HeartbeatSender(_clients.HeartbeatProducer(), _options.InstanceId, _logger);
        var target = new TargetProducer(_clients, _state, _metrics, _time, _logger);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_clients.SourceConsumer())
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                // Start nowhere in particular: the loop pauses the partition, reads its
                // checkpoint from the target and seeks there before anything is mirrored.
                _assignment.Add(partitions);
                return partitions.Select(p => new TopicPartitionOffset(p, Offset.End));
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                // Let what was produced for them be acknowledged before another instance reads the
                // checkpoint, so it resends as little as possible.
                target.Flush(TimeSpan.FromSeconds(10));
                _assignment.Release(partitions.Select(p => p.TopicPartition));
            })
            .SetPartitionsLostHandler((_, partitions) => _assignment.Release(partitions.Select(p => p.TopicPartition)))
            .SetErrorHandler((_, e) => _logger.LogWarning("Source consumer: {Reason}", e.Reason))
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(_logger))
            .Build();
        consumer.Subscribe(_options.Topics);
        _logger.LogInformation("Mirroring {Topics} from {Source} to {Target} as {Remote}", string.Join(",", _options.Topics),
            _options.Source, _options.Target, string.Join(",", _options.Topics.Select(t => RemoteTopics.Name(_options.Source, t))));

        var start = Environment.TickCount64;
        var heartbeat = new Periodic((long)_options.HeartbeatInterval.TotalMilliseconds, start);
        var commit = new Periodic(CommitIntervalMs, start);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (target.ResyncRequested)
                {
                    // A delivery failed: drop the producer and restart every partition from the target's checkpoint.
                    target.Restart();
                    _assignment.RestartAll();
                }

                starter.StartPending(consumer, stop);
                var consumed = ConsumeOne(consumer, target, stop);

                // The coarse clock: a precise one per record costs more than it is worth here.
                var now = Environment.TickCount64;
                target.ServeIfDue(consumed, now);
                if (heartbeat.Due(now))
                {
                    Heartbeat(heartbeats, consumer);
                }

                if (commit.Due(now))
                {
                    GroupOffsets.Commit(consumer, _state.Partitions.Values, _logger);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            // The final checkpoint is the target acknowledging everything produced.
            var left = target.Flush(TimeSpan.FromSeconds(10));
            if (left > 0)
            {
                _logger.LogWarning("{Count} records were not acknowledged at shutdown; they are mirrored again on restart", left);
            }

            GroupOffsets.Commit(consumer, _state.Partitions.Values, _logger);
            consumer.Close();
            target.Dispose();
            _state.Partitions.Clear();
        }
    }

    /// <returns>Whether the source had a record.</returns>
    private bool ConsumeOne(IConsumer<byte[], byte[]> consumer, TargetProducer target, CancellationToken stop)
    {
        ConsumeResult<byte[], byte[]>? record;
        try
        {
            record = consumer.Consume(DeliverySchedule.ConsumeTimeout(target.InFlight));
        }
        catch (ConsumeException e) when (e.Error.Code is ErrorCode.OffsetOutOfRange or ErrorCode.Local_AutoOffsetReset)
        {
            // The source dropped records we had not mirrored yet: treat as a gap at the checkpoint.
            var tp = e.ConsumerRecord?.TopicPartition;
            _logger.LogError("Source offset out of range on {Partition}: {Reason}", tp, e.Error.Reason);
            if (tp is not null)
            {
                _assignment.Add([tp]);
            }

            return false;
        }

        if (record is null)
        {
            return false;
        }

        var progress = _assignment.ProgressOf(record);
        if (progress is null || !_assignment.IsMirroring(progress))
        {
            return true;
        }

        // The source's end (for the lag gauge) is refreshed with the heartbeats, not per record.
        if (OriginHeaders.Read(record.Message.Headers) is not null)
        {
            // A record of the source's own topic never carries origin headers: this one was
            // written elsewhere first (or forged to look so). Mirroring it could make a loop;
            // the nodes of the source dead-letter it for the same reason.
            _metrics.LoopsRefused.Add(1);
            return true;
        }

        target.Produce(progress, record.Offset.Value, MirroredRecord.Create(record, progress, _options.Source), stop);
        return true;
    }

    /// <summary>A heartbeat into each partition mirrored now; the source's end refreshed with it, for the lag gauge.</summary>
    private void Heartbeat(HeartbeatSender heartbeats, IConsumer<byte[], byte[]> consumer)
    {
        foreach (var progress in _state.Partitions.Values)
        {
            if (!_assignment.IsMirroring(progress))
            {
                continue;
            }

            heartbeats.Send(progress.Source);
            _state.SourceHigh[progress.Source] = consumer.GetWatermarkOffsets(progress.Source).High.Value;
        }
    }
}
