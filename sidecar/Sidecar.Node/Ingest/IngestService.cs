using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Kafka;

namespace Sidecar.Node.Ingest;

/// <summary>
/// The consume loop: consumes the local updates topic and every mirrored <c>&lt;dc&gt;.updates</c>
/// topic and applies them in batches. Partitions are assigned by the node itself, not by a
/// consumer group: every node holds all users, and it resumes each partition at the offset its
/// own store recorded, whatever any group has committed (<see cref="PartitionDiscovery"/>).
/// </summary>
internal sealed class IngestService : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);

    private readonly UpdateConsumers _consumers;
    private readonly KafkaConnection _connection;
    private readonly PartitionDiscovery _discovery;
    private readonly LagMonitor _lag;
    private readonly BatchProcessor _processor;
    private readonly RecordDecoder _decoder;
    private readonly KafkaOptions _options;
    private readonly NodeOptions _node;
    private readonly ILogger<IngestService> _logger;

    public IngestService(
        UpdateConsumers consumers,
        KafkaConnection connection,
        PartitionDiscovery discovery,
        LagMonitor lag,
        BatchProcessor processor,
        IOptions<KafkaOptions> options,
        IOptions<NodeOptions> node,
        ILogger<IngestService> logger)
    {
        _consumers = consumers;
        _connection = connection;
        _discovery = discovery;
        _lag = lag;
        _processor = processor;
        _decoder = consumers.Decoder();
        _options = options.Value;
        _node = node.Value;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume blocks a thread; give it its own instead of a pool thread.
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stop)
    {
        using var consumer = _consumers.Consumer("ingest", $"sidecar-node-{_node.Id}", _logger, warnOnErrors: true);
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
                    _discovery.Discover(admin, consumer);
                    nextDiscovery = Stopwatch.GetTimestamp() + (long)(_options.DiscoveryInterval.TotalSeconds * Stopwatch.Frequency);
                }

                Poll(consumer, batch);
                // A staged version waits for its final catch-up, which runs between two batches:
                // run it even when no record arrives.
                if (batch.Count > 0 || _processor.WantsTurn)
                {
                    applying.GetAwaiter().GetResult();
                    var ready = batch;
                    applying = Task.Run(() => _processor.Process(ready, stop), CancellationToken.None);
                    (batch, spare) = (spare, batch);
                    batch.Clear();
                }

                if (Stopwatch.GetTimestamp() >= nextLag)
                {
                    _lag.Measure(consumer, _discovery.Assigned);
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

            _lag.Stopped();
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
}
