using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Clocks;
using Sidecar.Common.Kafka;
using Sidecar.Node.Configuration;
using Sidecar.Node.Kafka;
using Sidecar.Node.Metrics;
using Sidecar.Node.Model;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Ingest;

/// <summary>
/// Consumes the local updates topic and every mirrored <c>&lt;dc&gt;.updates</c> topic and applies
/// them in batches. Partitions are assigned by the node itself, not by a consumer group: every
/// node holds all users, and it resumes each partition at the offset its own store recorded,
/// whatever any group has committed.
/// </summary>
internal sealed class IngestService : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    private readonly KafkaConnection _connection;
    private readonly UpdateProducer _producer;
    private readonly VersionedStore _store;
    private readonly ApplyProgress _progress;
    private readonly IngestStatus _status;
    private readonly NodeMetrics _metrics;
    private readonly ILogger<IngestService> _logger;
    private readonly KafkaOptions _options;
    private readonly NodeOptions _node;
    private readonly RecordDecoder _decoder;
    private readonly BatchApplier _applier;
    private readonly BatchApplier _stagedApplier;
    private readonly CatchUp _catchUp;
    private readonly HashSet<TopicPartition> _assigned = [];

    public IngestService(
        KafkaConnection connection,
        UpdateProducer producer,
        VersionedStore store,
        ApplyProgress progress,
        IngestStatus status,
        NodeMetrics metrics,
        HybridLogicalClock clock,
        EnvelopeRules rules,
        IOptions<KafkaOptions> options,
        IOptions<NodeOptions> node,
        IOptions<StoreOptions> storeOptions,
        CatchUp catchUp,
        ILogger<IngestService> logger)
    {
        _catchUp = catchUp;
        _connection = connection;
        _producer = producer;
        _store = store;
        _progress = progress;
        _status = status;
        _metrics = metrics;
        _logger = logger;
        _options = options.Value;
        _node = node.Value;
        _decoder = new RecordDecoder(_node.Datacenter, _options.UpdatesTopic, rules);
        _applier = new BatchApplier(storeOptions.Value, clock);
        // Its own applier: an applier reuses its buffers (and the result's Fresh array) per batch.
        _stagedApplier = new BatchApplier(storeOptions.Value, clock);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume blocks a thread; give it its own instead of a pool thread.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_connection.ConsumerConfig($"{_node.Id}-ingest", $"sidecar-node-{_node.Id}"))
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(_logger))
            .SetErrorHandler((_, e) => _logger.LogWarning("Kafka consumer error: {Reason}", e.Reason))
            .Build();
        using var admin = new AdminClientBuilder(_connection.AdminConfig($"{_node.Id}-discovery"))
            .SetLogHandler(KafkaLog.To<IAdminClient>(_logger)).Build();
        var nextDiscovery = Stopwatch.GetTimestamp();
        var nextLag = nextDiscovery;
        // Two batch buffers, reused: allocating a new one per batch would churn the large
        // object heap (a batch is bigger than 85 KB) and trigger a full collection every few batches.
        var batch = new List<DecodedRecord>(_options.MaxBatch);
        var spare = new List<DecodedRecord>(_options.MaxBatch);
        // One batch is applied while the next is consumed and decoded (two stages, two cores);
        // batches still apply strictly one after the other, in order.
        Task applying = Task.CompletedTask;
        var failed = false;

        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (Stopwatch.GetTimestamp() >= nextDiscovery)
                {
                    Discover(admin, consumer);
                    nextDiscovery = Stopwatch.GetTimestamp() + (long)(_options.DiscoveryInterval.TotalSeconds * Stopwatch.Frequency);
                }

                Poll(consumer, batch);
                // A staged version waits for its final catch-up, which runs between two batches:
                // run it even when no record arrives.
                if (batch.Count > 0 || _store.Staged is { Pending: true })
                {
                    applying.GetAwaiter().GetResult();
                    var ready = batch;
                    applying = Task.Run(() => Process(ready, stop), CancellationToken.None);
                    (batch, spare) = (spare, batch);
                    batch.Clear();
                }

                if (Stopwatch.GetTimestamp() >= nextLag)
                {
                    MeasureLag(consumer);
                    nextLag = Stopwatch.GetTimestamp() + (long)(LagInterval.TotalSeconds * Stopwatch.Frequency);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down mid-batch: nothing of it was written, so it is consumed again on restart.
        }
        catch (Exception e)
        {
            failed = true;
            _logger.LogCritical(e, "Ingest failed; stopping the node so that it restarts from its last applied batch");
            throw;
        }
        finally
        {
            // The batch in flight completes or throws; either way the store stays consistent.
            try
            {
                applying.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception) when (failed)
            {
                // Already reported: it is what stopped the loop.
            }

            _status.CaughtUp = false;
            consumer.Close();
        }
    }

    private void Poll(IConsumer<byte[], byte[]> consumer, List<DecodedRecord> batch)
    {
        var first = consumer.Consume(PollTimeout);
        if (first is null)
        {
            return;
        }

        batch.Add(_decoder.Decode(first));
        // Drain what librdkafka has already fetched, without waiting, up to the batch size.
        while (batch.Count < _options.MaxBatch && consumer.Consume(TimeSpan.Zero) is { } next)
        {
            batch.Add(_decoder.Decode(next));
        }
    }

    private void Process(List<DecodedRecord> batch, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        SendDeadLetters(batch, stop);
        BatchResult result;
        var (live, staged, stagedLease) = _store.AcquireForIngest();
        using (live)
        using (stagedLease)
        {
            if (staged is { Pending: true })
            {
                StartDual(staged, stop);
            }

            result = batch.Count == 0 ? BatchResult.Empty : _applier.Apply(live.Version, batch);
            if (staged is { Dual: true } && batch.Count > 0)
            {
                // The same batch to the staged version: it stays exactly as fresh as the live one.
                _stagedApplier.Apply(staged.Version, batch);
            }
        }

        foreach (var (partition, next) in result.Positions)
        {
            _progress.Advance(partition, next);
        }

        _metrics.Applied.Add(result.Applied);
        _metrics.Duplicates.Add(result.Duplicates);
        _metrics.DuplicateRequests.Add(result.DuplicateRequests);
        _metrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        RecordFreshness(batch, result.Fresh);
    }

    /// <summary>
    /// The staged version was caught up in the background to some earlier positions; between
    /// two batches (nothing else is applying) bring it to exactly the live version's positions,
    /// after which every batch goes to both.
    /// </summary>
    private void StartDual(StagedVersion staged, CancellationToken stop)
    {
        try
        {
            _catchUp.Run(staged.Version, _progress.Snapshot(), stop);
            staged.MarkDual();
            _logger.LogInformation("Version {Version} is caught up; every batch now goes to it too", staged.Version.Id);
        }
        catch (Exception e) when (e is KafkaException or RocksDbSharp.RocksDbException or Sidecar.Store.Snapshots.SnapshotInvalidException)
        {
            // The staged version fails its preparation (its node votes NO); live ingest goes on.
            _logger.LogError(e, "Catching up staged version {Version} failed", staged.Version.Id);
            staged.Fail(e);
        }
    }

    /// <summary>Only updates applied now: a duplicate delivered again later would look stale.</summary>
    private void RecordFreshness(List<DecodedRecord> batch, bool[] fresh)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            if (fresh[i] && record.Record.Message.Timestamp.Type != TimestampType.NotAvailable)
            {
                var seconds = Math.Max(0, now - record.Record.Message.Timestamp.UnixTimestampMs) / 1000.0;
                _metrics.Freshness.Record(seconds, new KeyValuePair<string, object?>("origin", record.Origin.Datacenter));
            }
        }
    }

    /// <summary>
    /// Dead letters are delivered before the batch's positions are stored, so a bad record is
    /// never skipped without a trace; a crash in between delivers it again (at least once).
    /// </summary>
    private void SendDeadLetters(List<DecodedRecord> batch, CancellationToken stop)
    {
        var pending = batch.Where(r => r.DeadLetterReason is not null).ToList();
        var delay = TimeSpan.FromMilliseconds(100);
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
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private void Discover(IAdminClient admin, IConsumer<byte[], byte[]> consumer)
    {
        Confluent.Kafka.Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e)
        {
            _status.LastError = "metadata: " + e.Error.Reason;
            _logger.LogWarning("Topic discovery failed: {Reason}", e.Error.Reason);
            return;
        }

        var added = new List<TopicPartitionOffset>();
        using (var lease = _store.Acquire())
        {
            foreach (var topic in metadata.Topics)
            {
                if (topic.Error.IsError || !IsUpdatesTopic(topic.Topic))
                {
                    continue;
                }

                foreach (var partition in topic.Partitions)
                {
                    var tp = new TopicPartition(topic.Topic, partition.PartitionId);
                    if (_assigned.Add(tp))
                    {
                        var stored = UserStore.ReadInt64(lease.Version.Db, StoreKeys.ConsumePosition(tp.Topic, tp.Partition.Value));
                        added.Add(new TopicPartitionOffset(tp, stored is { } next ? new Offset(next) : Offset.Beginning));
                        _progress.Advance(tp, stored ?? 0);
                    }
                }
            }
        }

        if (added.Count > 0)
        {
            consumer.IncrementalAssign(added);
            _status.AssignedPartitions = _assigned.Count;
            _logger.LogInformation("Consuming {Partitions}", string.Join(", ", added.Select(a => $"{a.TopicPartition}@{a.Offset}")));
        }
    }

    private bool IsUpdatesTopic(string topic) =>
        topic == _options.UpdatesTopic
        || (TopicNames.RemoteOrigin(topic, _options.UpdatesTopic) is { } origin && origin != _node.Datacenter);

    private void MeasureLag(IConsumer<byte[], byte[]> consumer)
    {
        if (_assigned.Count == 0)
        {
            return;
        }

        long lag = 0;
        try
        {
            foreach (var tp in _assigned)
            {
                var high = consumer.GetWatermarkOffsets(tp).High;
                if (high == Offset.Unset)
                {
                    // No fetch answered yet for this partition: ask the broker.
                    high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(1)).High;
                }

                lag += Math.Max(0, high.Value - (_progress.Next(tp) ?? 0));
            }
        }
        catch (KafkaException e)
        {
            _status.LastError = "watermarks: " + e.Error.Reason;
            return;
        }

        _status.Lag = lag;
        _metrics.Lag = lag;
        var caughtUp = lag <= _options.MaxReadyLag;
        if (caughtUp != _status.CaughtUp)
        {
            _logger.LogInformation(caughtUp ? "Caught up (lag {Lag})" : "Fell behind (lag {Lag})", lag);
        }

        _status.CaughtUp = caughtUp;
    }
}
