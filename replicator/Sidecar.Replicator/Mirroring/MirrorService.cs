using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Kafka;
using Sidecar.Replicator.Configuration;
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
internal sealed class MirrorService : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    // While records await acknowledgement the loop must come back soon to serve their delivery
    // reports, which it does itself (see KafkaClients.TargetProducer).
    private static readonly TimeSpan InFlightPollTimeout = TimeSpan.FromMilliseconds(5);

    // Delivery reports are served after this many records or milliseconds, and whenever the
    // source has none: often enough that the latency histogram hardly sees the wait.
    private const int RecordsPerDeliveryPoll = 64;
    private const long MillisecondsPerDeliveryPoll = 5;
    private static readonly byte[] HeartbeatKey = "__heartbeat"u8.ToArray();

    private readonly ReplicatorOptions _options;
    private readonly KafkaClients _clients;
    private readonly MirrorState _state;
    private readonly ReplicatorMetrics _metrics;
    private readonly ILogger<MirrorService> _logger;
    private readonly HashSet<TopicPartition> _pending = [];
    private readonly byte[] _instance;
    private volatile int _pendingCount;
    private PartitionProgress? _last; // the consume loop's last partition: records come in runs of one partition
    private IProducer<byte[], byte[]> _producer = null!;
    private volatile bool _resync;
    private int _inFlight; // produced, not yet reported; only the consume loop's thread touches it
    private int _sinceDeliveryPoll;
    private long _lastDeliveryPoll;
    private bool _clockStale = true; // the clock is read once per batch of delivery reports
    private long _reportTicks;
    private long _reportUnixMs;

    public MirrorService(IOptions<ReplicatorOptions> options, MirrorState state, ReplicatorMetrics metrics, ILogger<MirrorService> logger)
    {
        _options = options.Value;
        _clients = new KafkaClients(_options);
        _state = state;
        _metrics = metrics;
        _logger = logger;
        _instance = System.Text.Encoding.UTF8.GetBytes(_options.InstanceId);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        using var remoteTopics = new RemoteTopics(_clients.Admin(_clients.Target), _clients.Target.MockControlUrl, _logger);
        using var sourceAdmin = new AdminClientBuilder(_clients.Admin(_clients.Source)).SetLogHandler(KafkaLog.To<IAdminClient>(_logger)).Build();
        using var checkpoints = new CheckpointReader(_clients.Probe(_clients.Target, "checkpoint"), _logger);
        using var sourceProbe = new ConsumerBuilder<byte[], byte[]>(_clients.Probe(_clients.Source, "probe"))
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(_logger)).Build();
        using var heartbeats = new ProducerBuilder<byte[], byte[]>(_clients.HeartbeatProducer())
            .SetLogHandler(KafkaLog.To<IProducer<byte[], byte[]>>(_logger)).Build();
        _producer = CreateProducer();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_clients.SourceConsumer())
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                // Start nowhere in particular: the loop pauses the partition, reads its
                // checkpoint from the target and seeks there before anything is mirrored.
                lock (_pending)
                {
                    _pending.UnionWith(partitions);
                    _pendingCount = _pending.Count;
                }

                return partitions.Select(p => new TopicPartitionOffset(p, Offset.End));
            })
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition), flush: true))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition), flush: false))
            .SetErrorHandler((_, e) => _logger.LogWarning("Source consumer: {Reason}", e.Reason))
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(_logger))
            .Build();
        consumer.Subscribe(_options.Topics);
        _logger.LogInformation("Mirroring {Topics} from {Source} to {Target} as {Remote}", string.Join(",", _options.Topics),
            _options.Source, _options.Target, string.Join(",", _options.Topics.Select(t => RemoteTopics.Name(_options.Source, t))));

        var nextHeartbeat = Environment.TickCount64;
        var nextCommit = nextHeartbeat;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (_resync)
                {
                    Resync();
                }

                StartPending(consumer, remoteTopics, sourceAdmin, checkpoints, sourceProbe, stop);
                var consumed = ConsumeOne(consumer, stop);

                // The coarse clock: a precise one per record costs more than it is worth here.
                var now = Environment.TickCount64;
                if (!consumed || ++_sinceDeliveryPoll >= RecordsPerDeliveryPoll || now - _lastDeliveryPoll >= MillisecondsPerDeliveryPoll)
                {
                    ServeDeliveries(TimeSpan.Zero);
                }

                if (now >= nextHeartbeat)
                {
                    Heartbeat(heartbeats, consumer);
                    nextHeartbeat = now + (long)_options.HeartbeatInterval.TotalMilliseconds;
                }

                if (now >= nextCommit)
                {
                    CommitProgress(consumer);
                    nextCommit = now + 5_000;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            // The final checkpoint is the target acknowledging everything produced.
            var left = Flush(TimeSpan.FromSeconds(10));
            if (left > 0)
            {
                _logger.LogWarning("{Count} records were not acknowledged at shutdown; they are mirrored again on restart", left);
            }

            CommitProgress(consumer);
            consumer.Close();
            _producer.Dispose();
            _state.Partitions.Clear();
        }
    }

    /// <returns>Whether the source had a record.</returns>
    private bool ConsumeOne(IConsumer<byte[], byte[]> consumer, CancellationToken stop)
    {
        ConsumeResult<byte[], byte[]>? record;
        try
        {
            record = consumer.Consume(_inFlight > 0 ? InFlightPollTimeout : PollTimeout);
        }
        catch (ConsumeException e) when (e.Error.Code is ErrorCode.OffsetOutOfRange or ErrorCode.Local_AutoOffsetReset)
        {
            // The source dropped records we had not mirrored yet: treat as a gap at the checkpoint.
            var tp = e.ConsumerRecord?.TopicPartition;
            _logger.LogError("Source offset out of range on {Partition}: {Reason}", tp, e.Error.Reason);
            if (tp is not null)
            {
                lock (_pending)
                {
                    _pending.Add(tp);
                    _pendingCount = _pending.Count;
                }
            }

            return false;
        }

        if (record is null)
        {
            return false;
        }

        var progress = ProgressOf(record);
        if (progress is null || progress.Gap is not null || IsPending(progress.Source))
        {
            return true;
        }

        // The source's end (for the lag gauge) is refreshed with the heartbeats, not per record.
        var sourceHeaders = record.Message.Headers;
        if (OriginHeaders.Read(sourceHeaders) is not null)
        {
            // A record of the source's own topic never carries origin headers: this one was
            // written elsewhere first (or forged to look so). Mirroring it could make a loop;
            // the nodes of the source dead-letter it for the same reason.
            _metrics.LoopsRefused.Add(1);
            return true;
        }

        var offset = record.Offset.Value;
        Headers headers;
        if (sourceHeaders is null || sourceHeaders.Count == 0)
        {
            headers = progress.OriginOnly(offset);
        }
        else
        {
            headers = new Headers();
            foreach (var header in sourceHeaders)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }

            OriginHeaders.Add(headers, _options.Source, record.Topic, record.Partition.Value, offset);
        }

        var message = new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
            Timestamp = new Timestamp(record.Message.Timestamp.UnixTimestampMs, TimestampType.CreateTime),
        };
        var originMs = record.Message.Timestamp.UnixTimestampMs;
        var size = (record.Message.Key?.Length ?? 0) + (record.Message.Value?.Length ?? 0);
        Produce(progress.Remote, message, report => Delivered(progress, offset, originMs, size, report), stop);
        return true;
    }

    /// <summary>Backpressure: when MaxInFlight records are unacknowledged, wait instead of buffering more.</summary>
    private void Produce(TopicPartition remote, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> delivered, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                _producer.Produce(remote, message, delivered);
                _inFlight++;
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Waiting here is serving reports: nobody else does (see KafkaClients.TargetProducer).
                ServeDeliveries(TimeSpan.FromMilliseconds(5));
                stop.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Runs the delivery reports that have arrived, on this thread.</summary>
    private void ServeDeliveries(TimeSpan timeout)
    {
        _sinceDeliveryPoll = 0;
        _lastDeliveryPoll = Environment.TickCount64;
        _clockStale = true;
        _producer.Poll(timeout);
    }

    /// <summary>Waits for every record produced to be acknowledged (or fail), serving their reports.</summary>
    private int Flush(TimeSpan timeout)
    {
        _clockStale = true;
        return _producer.Flush(timeout);
    }

    private void Delivered(PartitionProgress progress, long offset, long originMs, int size, DeliveryReport<byte[], byte[]> report)
    {
        _inFlight--;
        if (_clockStale)
        {
            _clockStale = false;
            _reportTicks = Stopwatch.GetTimestamp();
            _reportUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        if (report.Error.IsError)
        {
            if (!_resync)
            {
                _logger.LogError("Target refused {Partition}@{Offset}: {Reason}; restarting from the checkpoints", progress.Source, offset, report.Error.Reason);
            }

            _resync = true;
            return;
        }

        progress.Acked(offset, _reportTicks);
        _state.Mirrored(size);
        _metrics.Latency.Record(Math.Max(0, _reportUnixMs - originMs) / 1000.0);
    }

    /// <summary>Reads each newly assigned partition's checkpoint from the target and seeks there.</summary>
    private void StartPending(IConsumer<byte[], byte[]> consumer, RemoteTopics remoteTopics, IAdminClient sourceAdmin,
        CheckpointReader checkpoints, IConsumer<byte[], byte[]> sourceProbe, CancellationToken stop)
    {
        List<TopicPartition> pending;
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            pending = [.. _pending];
        }

        consumer.Pause(pending);
        foreach (var tp in pending)
        {
            stop.ThrowIfCancellationRequested();
            try
            {
                var start = Start(tp, remoteTopics, sourceAdmin, checkpoints, sourceProbe, stop);
                lock (_pending)
                {
                    _pending.Remove(tp);
                    _pendingCount = _pending.Count;
                }

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

    /// <returns>Where to resume, or null when a gap stops the partition.</returns>
    private Offset? Start(TopicPartition source, RemoteTopics remoteTopics, IAdminClient sourceAdmin,
        CheckpointReader checkpoints, IConsumer<byte[], byte[]> sourceProbe, CancellationToken stop)
    {
        var remote = new TopicPartition(RemoteTopics.Name(_options.Source, source.Topic), source.Partition);
        var sourcePartitions = sourceAdmin.GetMetadata(source.Topic, TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == source.Topic).Partitions.Count;
        remoteTopics.EnsureAsync(remote.Topic, sourcePartitions, stop).GetAwaiter().GetResult();

        var checkpoint = checkpoints.LastOriginOffset(remote, _options.Source, TimeSpan.FromSeconds(10));
        var watermarks = sourceProbe.QueryWatermarkOffsets(source, TimeSpan.FromSeconds(10));
        var progress = new PartitionProgress(_options.Source, source, remote);
        _last = null;
        progress.Reset(checkpoint ?? -1);
        _state.Partitions[source] = progress;
        _state.SourceHigh[source] = watermarks.High.Value;

        if (checkpoint is null)
        {
            _logger.LogInformation("{Partition}: no checkpoint in the target, mirroring from the beginning", source);
            return Offset.Beginning;
        }

        var next = checkpoint.Value + 1;
        if (next >= watermarks.Low.Value && next <= watermarks.High.Value)
        {
            _logger.LogInformation("{Partition}: resuming at {Offset} (checkpoint in the target)", source, next);
            return new Offset(next);
        }

        var gap = next < watermarks.Low.Value
            ? $"records {next}..{watermarks.Low.Value - 1} are no longer in the source (retention)"
            : $"the checkpoint {checkpoint} is past the source's end {watermarks.High.Value} (topic recreated or truncated)";
        _metrics.Gaps.Add(1);
        if (_options.GapPolicy == GapPolicy.Stop)
        {
            progress.Gap = gap;
            _logger.LogCritical("GAP on {Partition}: {Gap}. Mirroring of this partition is stopped (GapPolicy=Stop); " +
                "resolve it (e.g. reload the target from a snapshot) and restart with GapPolicy=Skip to continue.", source, gap);
            return null;
        }

        _logger.LogError("GAP on {Partition}: {Gap}. Continuing from the oldest record the source has (GapPolicy=Skip).", source, gap);
        return next < watermarks.Low.Value ? new Offset(watermarks.Low.Value) : Offset.Beginning;
    }

    private void Release(IEnumerable<TopicPartition> partitions, bool flush)
    {
        var released = partitions.ToList();
        if (flush)
        {
            // Let what was produced for them be acknowledged before another instance reads the
            // checkpoint, so it resends as little as possible.
            Flush(TimeSpan.FromSeconds(10));
        }

        lock (_pending)
        {
            _pending.ExceptWith(released);
            _pendingCount = _pending.Count;
        }

        _last = null;

        foreach (var tp in released)
        {
            _state.Partitions.TryRemove(tp, out _);
            _state.SourceHigh.TryRemove(tp, out _);
        }

        _logger.LogInformation("Released {Partitions}", string.Join(", ", released));
    }

    /// <summary>After a failed delivery: drop the producer and restart every partition from the target's checkpoint.</summary>
    private void Resync()
    {
        _resync = false;
        _metrics.Resyncs.Add(1);
        Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _inFlight = 0;
        _producer = CreateProducer();
        lock (_pending)
        {
            _pending.UnionWith(_state.Partitions.Values.Where(p => p.Gap is null).Select(p => p.Source));
            _pendingCount = _pending.Count;
        }

        _last = null;
    }

    private void Heartbeat(IProducer<byte[], byte[]> heartbeats, IConsumer<byte[], byte[]> consumer)
    {
        foreach (var progress in _state.Partitions.Values)
        {
            if (progress.Gap is not null || IsPending(progress.Source))
            {
                continue;
            }

            var headers = new Headers { { Heartbeats.Header, _instance } };
            heartbeats.Produce(progress.Source, new Message<byte[], byte[]> { Key = HeartbeatKey, Value = [], Headers = headers }, report =>
            {
                if (report.Error.IsError)
                {
                    _logger.LogWarning("Heartbeat to {Partition} failed: {Reason}", progress.Source, report.Error.Reason);
                }
            });
            _state.SourceHigh[progress.Source] = consumer.GetWatermarkOffsets(progress.Source).High.Value;
        }
    }

    /// <summary>Mirrors the checkpoints into the source group's offsets, for Kafka tooling only.</summary>
    private void CommitProgress(IConsumer<byte[], byte[]> consumer)
    {
        var offsets = _state.Partitions.Values.Where(p => p.LastAcked >= 0)
            .Select(p => new TopicPartitionOffset(p.Source, p.LastAcked + 1)).ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException e)
        {
            _logger.LogDebug("Committing group offsets failed: {Reason}", e.Error.Reason);
        }
    }

    /// <summary>The progress of a record's partition; null when this instance does not mirror it.</summary>
    private PartitionProgress? ProgressOf(ConsumeResult<byte[], byte[]> record)
    {
        var last = _last;
        if (last is not null && last.Source.Partition.Value == record.Partition.Value && string.Equals(last.Source.Topic, record.Topic, StringComparison.Ordinal))
        {
            return last;
        }

        _last = _state.Partitions.TryGetValue(record.TopicPartition, out var progress) ? progress : null;
        return _last;
    }

    private bool IsPending(TopicPartition tp)
    {
        if (_pendingCount == 0)
        {
            return false;
        }

        lock (_pending)
        {
            return _pending.Contains(tp);
        }
    }

    private IProducer<byte[], byte[]> CreateProducer() =>
        new ProducerBuilder<byte[], byte[]>(_clients.TargetProducer())
            .SetErrorHandler((_, e) => _logger.LogWarning("Target producer: {Reason}", e.Reason))
            .SetLogHandler(KafkaLog.To<IProducer<byte[], byte[]>>(_logger))
            .Build();
}
