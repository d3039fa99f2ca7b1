using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Kafka;
using Sidecar.Node.Configuration;
using Sidecar.Node.Datasets;
using Sidecar.Node.Kafka;
using Sidecar.Node.Model;
using Sidecar.Rules;
using Sidecar.Rules.Mapping;

namespace Sidecar.Node.Rules;

/// <summary>
/// The rules loop: consumes the source topics in the datacenter's consumer group, maps each event
/// by the rules in force, produces the envelopes to the local updates topic (keyed by user) and
/// the bad events to the dead-letter topic, waits until Kafka has acknowledged all of a batch, and
/// only then commits the batch's source offsets. Every node then applies the envelopes from the
/// updates topic like any other write, and the replicator mirrors them.
/// </summary>
/// <remarks>
/// Delivery is at least once (a crash or a rebalance between produce and commit maps events
/// again), and apply is exactly once because an event's envelope id is a function of its position
/// (<see cref="EventIds"/>). The file is read again between batches; new rules replace the old
/// between two batches, so one batch is mapped by one rule set.
/// </remarks>
internal sealed class RuleIngestService : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    private readonly RulesFile _file;
    private readonly KafkaConnection _connection;
    private readonly RuleSender _sender;
    private readonly NodeDatasets _datasets;
    private readonly RuleMetrics _metrics;
    private readonly RuleCounts _counts;
    private readonly RuleIngestStatus _status;
    private readonly TimeProvider _time;
    private readonly RulesOptions _options;
    private readonly NodeOptions _node;
    private readonly ILogger<RuleIngestService> _logger;
    private readonly HashSet<TopicPartition> _assigned = [];

    public RuleIngestService(RulesFile file, KafkaConnection connection, RuleSender sender, NodeDatasets datasets, RuleMetrics metrics,
        RuleCounts counts, RuleIngestStatus status, TimeProvider time, IOptions<RulesOptions> options, IOptions<NodeOptions> node, ILogger<RuleIngestService> logger)
    {
        _file = file;
        _connection = connection;
        _sender = sender;
        _datasets = datasets;
        _metrics = metrics;
        _counts = counts;
        _status = status;
        _time = time;
        _options = options.Value;
        _node = node.Value;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        while (_file.Current is null && !stop.IsCancellationRequested)
        {
            // Validated at start; if it broke since, wait for a good one.
            if (!_file.Reload())
            {
                stop.WaitHandle.WaitOne(_options.ReloadInterval);
            }
        }

        if (stop.IsCancellationRequested)
        {
            return;
        }

        using var consumer = Consumer();
        var mapper = Mapper(_file.Current!);
        var topics = mapper.Rules.Topics;
        consumer.Subscribe(topics);
        var batch = new List<ConsumeResult<byte[], byte[]>>(_options.MaxBatch);
        var outputs = new List<RuleOutput>(_options.MaxBatch);
        var nextReload = Stopwatch.GetTimestamp() + Ticks(_options.ReloadInterval);
        var nextLag = Stopwatch.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (Stopwatch.GetTimestamp() >= nextReload)
                {
                    nextReload = Stopwatch.GetTimestamp() + Ticks(_options.ReloadInterval);
                    if (_file.Reload())
                    {
                        mapper = Mapper(_file.Current!);
                        if (!mapper.Rules.Topics.SequenceEqual(topics))
                        {
                            topics = mapper.Rules.Topics;
                            consumer.Subscribe(topics);
                        }
                    }
                }

                if (Stopwatch.GetTimestamp() >= nextLag)
                {
                    nextLag = Stopwatch.GetTimestamp() + Ticks(LagInterval);
                    MeasureLag(consumer);
                    _counts.Sample();
                }

                Fill(consumer, batch, stop);
                if (batch.Count == 0)
                {
                    continue;
                }

                Map(mapper, batch, outputs);
                _sender.Send(outputs, stop);
                Commit(consumer, batch);
                batch.Clear();
                outputs.Clear();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: what was consumed and not committed is mapped again by whoever owns it next.
        }
        finally
        {
            try
            {
                consumer.Close(); // leaves the group now, so the others take its partitions at once
            }
            catch (KafkaException e)
            {
                _logger.LogWarning("Leaving the rules consumer group: {Reason}", e.Error.Reason);
            }
        }
    }

    private EventMapper Mapper(RuleSet rules)
    {
        _metrics.Known(rules.Rules.Select(r => r.Name));
        return new EventMapper(rules, _node.Datacenter, _file.Limits);
    }

    private void Fill(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> batch, CancellationToken stop)
    {
        var timeout = PollTimeout;
        while (batch.Count < _options.MaxBatch && !stop.IsCancellationRequested)
        {
            ConsumeResult<byte[], byte[]>? record;
            try
            {
                record = consumer.Consume(timeout);
            }
            catch (ConsumeException e)
            {
                // A source topic that does not exist yet, and the like: said, and consumed on.
                _status.LastError = e.Error.Reason;
                _logger.LogWarning("Consuming the rules' source topics: {Reason}", e.Error.Reason);
                return;
            }

            if (record is null || record.IsPartitionEOF)
            {
                return;
            }

            batch.Add(record);
            timeout = TimeSpan.Zero; // take what is there already, do not wait for more
        }
    }

    private void Map(EventMapper mapper, List<ConsumeResult<byte[], byte[]>> batch, List<RuleOutput> outputs)
    {
        var now = _time.GetUtcNow();
        foreach (var record in batch)
        {
            var source = new SourceEvent(record.Topic, record.Partition.Value, record.Offset.Value,
                record.Message.Timestamp.Type == TimestampType.NotAvailable ? null : record.Message.Timestamp.UnixTimestampMs,
                record.Message.Value ?? []);
            var mapped = mapper.Map(source, now);
            _metrics.Record(mapped, record.Topic);
            if (mapped.DeadLetter is { } dead)
            {
                DeadLetter(outputs, record, dead.Rule, dead.Reason);
                continue;
            }

            if (mapped.Skipped)
            {
                _counts.AddSkipped(1);
                continue;
            }

            // The dataset's own envelope rules (sizes, op counts, list cap) have the last word, as
            // for HTTP writes. Every rule's dataset was one the node serves when the file loaded.
            var refused = mapped.Updates.Select(u => Target(u).Rules.Check(u.Envelope)).FirstOrDefault(p => p is not null);
            if (refused is not null)
            {
                DeadLetter(outputs, record, string.Join(",", mapped.Evaluations.Where(e => e.Matched).Select(e => e.Rule.Name)), "the update is refused: " + refused);
                continue;
            }

            foreach (var evaluation in mapped.Evaluations.Where(e => e.Matched))
            {
                _counts.Add(evaluation.Rule.Name, 1, evaluation.Ops, 0);
            }

            foreach (var update in mapped.Updates)
            {
                outputs.Add(RuleOutput.Update(update.Envelope, Target(update).Topic));
            }
        }
    }

    private Dataset Target(MappedUpdate update) =>
        _datasets.Find(update.Dataset) ?? throw new InvalidOperationException($"rule output for dataset '{update.Dataset}', which this node does not serve, passed the rules file's check");

    private void DeadLetter(List<RuleOutput> outputs, ConsumeResult<byte[], byte[]> record, string? rule, string reason)
    {
        _logger.LogWarning("Dead-lettering event {Source} (rule {Rule}): {Reason}", record.TopicPartitionOffset, rule ?? "none", reason);
        _metrics.DeadLettered(rule);
        if (rule is not null)
        {
            _counts.Add(rule, 0, 0, 1);
        }

        outputs.Add(RuleOutput.Dead(record, rule, reason));
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> batch)
    {
        var offsets = batch
            .GroupBy(r => r.TopicPartition)
            .Select(g => new TopicPartitionOffset(g.Key, new Offset(g.Max(r => r.Offset.Value) + 1)))
            .ToList();
        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException e)
        {
            // Typically a rebalance took a partition away meanwhile: its new owner maps those
            // events again, to the same ids, and they apply once.
            _logger.LogWarning("Committing {Count} source positions failed ({Reason}); those events will be mapped again", offsets.Count, e.Error.Reason);
        }
    }

    private void MeasureLag(IConsumer<byte[], byte[]> consumer)
    {
        var lag = new Dictionary<(string Topic, int Partition), long>();
        List<TopicPartition> assigned;
        lock (_assigned)
        {
            assigned = [.. _assigned];
        }

        foreach (var tp in assigned)
        {
            try
            {
                var high = consumer.GetWatermarkOffsets(tp).High;
                if (high == Offset.Unset)
                {
                    high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(1)).High;
                }

                var position = consumer.Position(tp);
                lag[(tp.Topic, tp.Partition.Value)] = Math.Max(0, high.Value - (position == Offset.Unset ? 0 : position.Value));
            }
            catch (KafkaException e)
            {
                _status.LastError = "source watermarks: " + e.Error.Reason;
            }
        }

        _metrics.Lag(lag);
        _status.SourceLag = lag;
    }

    private IConsumer<byte[], byte[]> Consumer()
    {
        var config = _connection.ConsumerConfig($"{_node.Id}-rules", _options.GroupId);
        config.SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds;
        config.HeartbeatIntervalMs = Math.Max(100, config.SessionTimeoutMs.Value / 10);
        return new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(_logger))
            .SetErrorHandler((_, e) => _logger.LogWarning("Rules consumer error: {Reason}", e.Reason))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                lock (_assigned)
                {
                    _assigned.Clear();
                    _assigned.UnionWith(partitions);
                }

                _logger.LogInformation("Rules: this node maps {Count} source partitions: {Partitions}", partitions.Count, string.Join(", ", partitions));
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                lock (_assigned)
                {
                    _assigned.ExceptWith(partitions.Select(p => p.TopicPartition));
                }
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                lock (_assigned)
                {
                    _assigned.ExceptWith(partitions.Select(p => p.TopicPartition));
                }
            })
            .Build();
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
