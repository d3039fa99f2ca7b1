using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Clocks;
using Sidecar.Common.Kafka;
using Sidecar.Node.Configuration;
using Sidecar.Node.Kafka;
using Sidecar.Node.Model;

namespace Sidecar.Node.Apply;

/// <summary>
/// The one setup of reading updates from Kafka, shared by live ingest and the catch-up of a
/// version being prepared: the consumer (manually assigned, see <see cref="IngestService"/>), the
/// decoder and the batch applier, built from the same options so that both read and apply alike.
/// </summary>
internal sealed class UpdateConsumers
{
    private readonly KafkaConnection _connection;
    private readonly KafkaOptions _options;
    private readonly NodeOptions _node;
    private readonly StoreOptions _store;
    private readonly HybridLogicalClock _clock;
    private readonly EnvelopeRules _rules;
    private readonly TimeProvider _time;

    public UpdateConsumers(
        KafkaConnection connection,
        IOptions<KafkaOptions> options,
        IOptions<NodeOptions> node,
        IOptions<StoreOptions> store,
        HybridLogicalClock clock,
        EnvelopeRules rules,
        TimeProvider time)
    {
        _time = time;
        _connection = connection;
        _options = options.Value;
        _node = node.Value;
        _store = store.Value;
        _clock = clock;
        _rules = rules;
    }

    /// <summary>Records per batch, at most.</summary>
    public int MaxBatch => _options.MaxBatch;

    /// <summary>A consumer with client id <c>&lt;node&gt;-<paramref name="purpose"/></c> logging to
    /// <paramref name="logger"/>; <paramref name="warnOnErrors"/> logs the client's errors as warnings
    /// (live ingest does; a catch-up fails by its exceptions).</summary>
    public IConsumer<byte[], byte[]> Consumer(string purpose, string groupId, ILogger logger, bool warnOnErrors)
    {
        var builder = new ConsumerBuilder<byte[], byte[]>(_connection.ConsumerConfig($"{_node.Id}-{purpose}", groupId))
            .SetLogHandler(KafkaLog.To<IConsumer<byte[], byte[]>>(logger));
        if (warnOnErrors)
        {
            builder.SetErrorHandler((_, e) => logger.LogWarning("Kafka consumer error: {Reason}", e.Reason));
        }

        return builder.Build();
    }

    public RecordDecoder Decoder() => new(_node.Datacenter, _options.UpdatesTopic, _rules);

    /// <summary>A new applier: each reuses its buffers (and the result's Fresh array) per batch, so
    /// each writer of batches needs its own.</summary>
    public BatchApplier Applier() => new(_store, _clock, _time);
}
