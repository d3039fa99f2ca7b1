using System.Text;
using Confluent.Kafka;

namespace Sidecar.KafkaMock;

/// <summary>
/// Produces records that a test hands over the control API into this process's own cluster, with
/// a real Kafka client (idempotent, acks=all) over the brokers' advertised addresses. A test on
/// the host cannot be that client itself: the brokers advertise container names (kafka-a:9092)
/// that only resolve inside the containers' networks, and a Kafka client goes to the advertised
/// address after its first metadata answer, whatever bootstrap address it was given.
/// </summary>
internal sealed class RecordProducer(string bootstrapServers) : IDisposable
{
    private readonly Lazy<IProducer<string?, byte[]>> _producer = new(() => new ProducerBuilder<string?, byte[]>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        ClientId = "kafka-mock-records",
        Acks = Acks.All,
        // A retry inside the client must not write a record twice: what the test asked for is
        // exactly what the topic holds (a test makes a duplicate by sending the record twice).
        EnableIdempotence = true,
        LingerMs = 1,
        // The container's own alias may resolve to its wan address, which a partition takes away
        // without a reset: a request in flight would wait the default 60 s. Given up after 3 s,
        // the connection is made again (and the idempotent producer's retry writes nothing twice).
        SocketTimeoutMs = 3000,
    }).Build());

    /// <summary>Produces every record in order, each awaited, and returns where each landed.</summary>
    public async Task<IReadOnlyList<RecordPosition>> ProduceAsync(string topic, IReadOnlyList<RecordToProduce> records, CancellationToken cancellationToken)
    {
        var producer = _producer.Value;
        var sent = records.Select(r => producer.ProduceAsync(topic, new Message<string?, byte[]>
        {
            Key = r.Key,
            Value = Encoding.UTF8.GetBytes(r.Value),
        }, cancellationToken)).ToList();
        var results = await Task.WhenAll(sent);
        return [.. results.Select(r => new RecordPosition(r.Partition.Value, r.Offset.Value))];
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }
}

/// <summary>One record for <see cref="RecordProducer"/>: its key (null: none) and its value as UTF-8 text.</summary>
internal sealed record RecordToProduce(string? Key, string Value);

internal sealed record RecordPosition(int Partition, long Offset);
