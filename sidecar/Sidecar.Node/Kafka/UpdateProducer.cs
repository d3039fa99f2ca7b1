using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Kafka;

/// <summary>
/// Produces accepted writes to the local updates topic (idempotent, acks=all), and dead letters.
/// A request is acknowledged only after Kafka has the record, never before.
/// </summary>
internal sealed class UpdateProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly KafkaOptions _options;

    public UpdateProducer(KafkaConnection connection, IOptions<KafkaOptions> options, IOptions<NodeOptions> node, ILogger<UpdateProducer> logger)
    {
        _options = options.Value;
        _producer = new ProducerBuilder<byte[], byte[]>(connection.ProducerConfig($"{node.Value.Id}-producer"))
            .SetLogHandler(KafkaLog.To<IProducer<byte[], byte[]>>(logger))
            .Build();
    }

    /// <summary>Produces one write to <paramref name="topic"/>, a dataset's local update topic, and returns where it landed.</summary>
    public async Task<TopicPartitionOffset> ProduceAsync(string topic, UpdateEnvelope envelope, CancellationToken cancellationToken)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(envelope.UserId),
            Value = envelope.ToByteArray(),
        };
        var result = await _producer.ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
        return result.TopicPartitionOffset;
    }

    /// <summary>Produces to <paramref name="topic"/> (a dataset's) without waiting: <paramref name="onDelivery"/> tells the outcome (for ingest rules, which produce a batch and wait for all of it).</summary>
    public void Produce(string topic, UpdateEnvelope envelope, Action<DeliveryReport<byte[], byte[]>> onDelivery) =>
        _producer.Produce(topic, new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(envelope.UserId),
            Value = envelope.ToByteArray(),
        }, onDelivery);

    /// <summary>Writes a record that could not be applied to the dead-letter topic, with why
    /// (and, for a source event, the rule that failed on it).</summary>
    public void ProduceDeadLetter(ConsumeResult<byte[], byte[]> record, string reason, Action<DeliveryReport<byte[], byte[]>> onDelivery, string? rule = null)
    {
        var headers = new Headers();
        if (record.Message.Headers is not null)
        {
            foreach (var header in record.Message.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(reason));
        headers.Add(DeadLetterHeaders.Source, Encoding.UTF8.GetBytes(record.TopicPartitionOffset.ToString()));
        if (rule is not null)
        {
            headers.Add(DeadLetterHeaders.Rule, Encoding.UTF8.GetBytes(rule));
        }

        _producer.Produce(_options.DeadLetterTopic, new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
        }, onDelivery);
    }

    public void Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
