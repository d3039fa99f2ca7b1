using Confluent.Kafka;
using Sidecar.Common.Kafka;
using Sidecar.Replicator.Checkpoints;
using Sidecar.Replicator.Configuration;
using Sidecar.Replicator.Metrics;
using Sidecar.Replicator.Mirroring;
using Sidecar.Replicator.Topics;

namespace Sidecar.Replicator.Assignment;

/// <summary>
/// Starts the partitions waiting in the <see cref="PartitionAssignment"/>: makes sure the target
/// has the remote topic, reads the partition's checkpoint from the target and the source's
/// watermarks, and seeks where <see cref="ResumePolicy"/> decides, or leaves the partition paused
/// when a gap stops it. Runs on the mirror loop's thread.
/// </summary>
internal sealed class PartitionStarter : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ReplicatorOptions _options;
    private readonly PartitionAssignment _assignment;
    private readonly ReplicatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RemoteTopics _remoteTopics;
    private readonly IAdminClient _sourceAdmin;
    private readonly CheckpointReader _checkpoints;
    private readonly IConsumer<byte[], byte[]> _sourceProbe;

    public PartitionStarter(ReplicatorOptions options, KafkaClients clients, PartitionAssignment assignment, ReplicatorMetrics metrics,
        TimeProvider time, ILogger logger)
    {
        _options = options;
        _assignment = assignment;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _remoteTopics = new RemoteTopics(clients.Admin(clients.Target), clients.Target.MockControlUrl, logger);
        _sourceAdmin = new AdminClientBuilder(clients.Admin(clients.Source)).SetLogHandler(KafkaLog.To<IAdminClient>(logger)).Build();
        _checkpoints = new CheckpointReader(clients.Probe(clients.Target, "checkpoint"), time, logger);
        _sourceProbe = new ConsumerBuilder<byte[], byte[]>(clients.Probe(clients.Source, "probe"))
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(logger)).Build();
    }

    /// <summary>Reads each newly assigned partition's checkpoint from the target and seeks there.</summary>
    public void StartPending(IConsumer<byte[], byte[]> consumer, CancellationToken stop)
    {
        if (_assignment.Pending() is not { } pending)
        {
            return;
        }

        consumer.Pause(pending);
        foreach (var tp in pending)
        {
            stop.ThrowIfCancellationRequested();
            try
            {
                var start = Start(tp, stop);
                _assignment.Started(tp);
                if (start is { } offset)
                {
                    consumer.Seek(new TopicPartitionOffset(tp, offset));
                    consumer.Resume([tp]);
                }
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException or HttpRequestException)
            {
                _logger.LogWarning("Cannot start {Partition} yet: {Reason}", tp, e.Message);
                stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
    }

    public void Dispose()
    {
        _sourceProbe.Dispose();
        _checkpoints.Dispose();
        _sourceAdmin.Dispose();
        _remoteTopics.Dispose();
    }

    /// <returns>Where to resume, or null when a gap stops the partition.</returns>
    private Offset? Start(TopicPartition source, CancellationToken stop)
    {
        var remote = new TopicPartition(RemoteTopics.Name(_options.Source, source.Topic), source.Partition);
        var sourcePartitions = _sourceAdmin.GetMetadata(source.Topic, Timeout).Topics.Single(t => t.Topic == source.Topic).Partitions.Count;
        _remoteTopics.EnsureAsync(remote.Topic, sourcePartitions, stop).GetAwaiter().GetResult();

        var checkpoint = _checkpoints.LastOriginOffset(remote, _options.Source, Timeout);
        var watermarks = _sourceProbe.QueryWatermarkOffsets(source, Timeout);
        var progress = new PartitionProgress(_options.Source, source, remote, _time);
        progress.Reset(checkpoint ?? -1);
        _assignment.Track(progress, watermarks.High.Value);

        var decision = ResumePolicy.Decide(new ResumeInput(checkpoint, watermarks.Low.Value, watermarks.High.Value, _options.GapPolicy));
        switch (decision.Outcome)
        {
            case ResumeOutcome.NoCheckpoint:
                _logger.LogInformation("{Partition}: no checkpoint in the target, mirroring from the beginning", source);
                break;
            case ResumeOutcome.AfterCheckpoint:
                _logger.LogInformation("{Partition}: resuming at {Offset} (checkpoint in the target)", source, decision.Start!.Value.Value);
                break;
            case ResumeOutcome.GapStopped:
                _metrics.Gaps.Add(1);
                progress.Gap = decision.Gap;
                _logger.LogCritical("GAP on {Partition}: {Gap}. Mirroring of this partition is stopped (GapPolicy=Stop); " +
                    "resolve it (e.g. reload the target from a snapshot) and restart with GapPolicy=Skip to continue.", source, decision.Gap);
                break;
            case ResumeOutcome.GapSkipped:
                _metrics.Gaps.Add(1);
                _logger.LogError("GAP on {Partition}: {Gap}. Continuing from the oldest record the source has (GapPolicy=Skip).", source, decision.Gap);
                break;
        }

        return decision.Start;
    }
}
