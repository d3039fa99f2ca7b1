using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;

namespace Sidecar.Testing;

/// <summary>Writes records to, and reads them from, a test's Kafka with the real client.</summary>
public sealed class TestKafka : IDisposable
{
    private readonly string _bootstrap;
    private readonly IProducer<byte[], byte[]> _producer;

    /// <param name="partitioner">How keyed records are spread over partitions; null is the client's
    /// default (crc32), <see cref="Partitioner.Murmur2Random"/> what the node's producer and Kafka's
    /// Java client pick (a partitioned key layout expects it).</param>
    public TestKafka(string bootstrap, Partitioner? partitioner = null)
    {
        NativeKafka.EnsureLoaded();
        _bootstrap = bootstrap;
        var config = ProducerConfig(bootstrap, lingerMs: 5);
        if (partitioner is { } p)
        {
            config.Partitioner = p;
        }

        _producer = new ProducerBuilder<byte[], byte[]>(config).Build();
    }

    /// <summary>How tests and benchmarks produce: as a node does (idempotent, acks=all, lz4), but
    /// with the client's default partitioner, an outside producer's, unless given one.</summary>
    public static ProducerConfig ProducerConfig(string bootstrap, double lingerMs) => new()
    {
        BootstrapServers = bootstrap,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = lingerMs,
        CompressionType = CompressionType.Lz4,
    };

    public Task<DeliveryResult<byte[], byte[]>> ProduceAsync(string topic, UpdateEnvelope envelope, Partition? partition = null, Headers? headers = null) =>
        ProduceRawAsync(topic, Encoding.UTF8.GetBytes(envelope.UserId), envelope.ToByteArray(), partition, headers);

    public Task<DeliveryResult<byte[], byte[]>> ProduceRawAsync(string topic, byte[]? key, byte[] value, Partition? partition = null, Headers? headers = null)
    {
        var message = new Message<byte[], byte[]> { Key = key!, Value = value, Headers = headers };
        return partition is { } p
            ? _producer.ProduceAsync(new TopicPartition(topic, p), message)
            : _producer.ProduceAsync(topic, message);
    }

    /// <summary>Produces many records without waiting for each; throws if any failed.</summary>
    public void ProduceMany(string topic, IEnumerable<UpdateEnvelope> envelopes)
    {
        Error? failure = null;
        foreach (var envelope in envelopes)
        {
            var message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(envelope.UserId), Value = envelope.ToByteArray() };
            while (true)
            {
                try
                {
                    _producer.Produce(topic, message, r => failure ??= r.Error.IsError ? r.Error : null);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // A backlog larger than the client's queue: wait for acknowledgements, then go on.
                    _producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        _producer.Flush(TimeSpan.FromSeconds(60));
        if (failure is not null)
        {
            throw new KafkaException(failure);
        }
    }

    /// <summary>Reads every record of a topic from the beginning until <paramref name="count"/> are seen or time is up.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, int count, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _bootstrap,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("n"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        // Assigned, not subscribed: no group join to wait for, which against the mock cluster can
        // take seconds and make a short read come back empty.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _bootstrap }).Build())
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }

        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>How many records every partition of a topic holds together (sum of high watermarks; 0 while the topic does not exist).</summary>
    public long RecordCount(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _bootstrap }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.IsError)
        {
            return 0;
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = _bootstrap, GroupId = "test-watermarks" }).Build();
        return metadata.Partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>Names of the topics the cluster holds.</summary>
    public List<string> Topics()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _bootstrap }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
