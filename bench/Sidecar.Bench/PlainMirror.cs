using System.Diagnostics;
using Confluent.Kafka;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// The comparison for the replicator's throughput: the simplest consume+produce loop written
/// with the same client and the replicator's producer settings (idempotent, acks=all, lz4,
/// linger 2 ms), same partition, headers copied; no checkpoints, no origin headers, no
/// backpressure. Its delivery reports run on the client's own poll thread, as they do by default.
/// </summary>
internal static class PlainMirror
{
    /// <summary>Copies <paramref name="records"/> records and returns the seconds from the first acknowledgement to the last.</summary>
    /// <param name="replicatorFetch">
    /// False: the consumer keeps the client's defaults, as a plain loop would. True: it gets the
    /// replicator's fetch settings too (a 16 MB fetch-ahead bound, 10 ms fetch wait and backoff).
    /// </param>
    public static double Copy(string sourceBootstrap, string topic, int partitions, string targetBootstrap, string targetTopic, int records, bool replicatorFetch)
    {
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = sourceBootstrap,
            GroupId = "plain-mirror-" + Guid.NewGuid().ToString("n"),
            EnableAutoCommit = false,
        };
        if (replicatorFetch)
        {
            consumerConfig.FetchWaitMaxMs = 10;
            consumerConfig.QueuedMaxMessagesKbytes = 16 * 1024;
            consumerConfig.FetchQueueBackoffMs = 10;
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(consumerConfig).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var config = TestKafka.ProducerConfig(targetBootstrap, lingerMs: 2);
        config.QueueBufferingMaxMessages = 100_000;
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();

        long acked = 0;
        long firstAck = 0;
        long lastAck = 0;
        for (var consumed = 0; consumed < records;)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record)
            {
                continue;
            }

            var message = new Message<byte[], byte[]> { Key = record.Message.Key, Value = record.Message.Value, Headers = record.Message.Headers, Timestamp = record.Message.Timestamp };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(targetTopic, record.Partition), message, r =>
                    {
                        if (!r.Error.IsError)
                        {
                            var now = Stopwatch.GetTimestamp();
                            Interlocked.CompareExchange(ref firstAck, now, 0);
                            Interlocked.Exchange(ref lastAck, now);
                            Interlocked.Increment(ref acked);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }

            consumed++;
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        if (Interlocked.Read(ref acked) < records)
        {
            throw new InvalidOperationException($"plain mirror: only {acked} of {records} acknowledged");
        }

        return Stopwatch.GetElapsedTime(firstAck, lastAck).TotalSeconds;
    }
}
