using Confluent.Kafka;
using Sidecar.Replicator.Configuration;

namespace Sidecar.Replicator.Mirroring;

/// <summary>Client settings for the source and target clusters of one direction.</summary>
internal sealed class KafkaClients
{
    private readonly ReplicatorOptions _options;

    public KafkaClients(ReplicatorOptions options) => _options = options;

    public DatacenterKafka Source => _options.Datacenters[_options.Source];

    public DatacenterKafka Target => _options.Datacenters[_options.Target];

    public ConsumerConfig SourceConsumer() => new(Common(Source, "mirror"))
    {
        GroupId = $"sidecar-replicator-{_options.Source}-to-{_options.Target}",
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        // Never jump silently: an offset the source no longer has is a gap, handled explicitly.
        AutoOffsetReset = AutoOffsetReset.Error,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        FetchWaitMaxMs = _options.FetchWaitMaxMs,
        TopicMetadataRefreshIntervalMs = (int)_options.MetadataInterval.TotalMilliseconds,
        // Bounds what is fetched ahead of the producer.
        QueuedMaxMessagesKbytes = 16 * 1024,
        // Once that bound is reached the client waits this long before it fetches again (default
        // 1 s). Draining a backlog the loop empties 16 MB in well under a second, then sat idle
        // for the rest of it: the mirror stalled for 300-400 ms out of every 1.1 s.
        FetchQueueBackoffMs = 10,
    };

    /// <summary>A consumer without a group, for watermarks and checkpoints.</summary>
    public ConsumerConfig Probe(DatacenterKafka kafka, string role) => new(Common(kafka, role))
    {
        GroupId = $"sidecar-replicator-probe-{_options.InstanceId}",
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchWaitMaxMs = _options.FetchWaitMaxMs,
    };

    public ProducerConfig TargetProducer()
    {
        var config = new ProducerConfig(Common(Target, "producer"))
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = _options.LingerMs,
            CompressionType = CompressionType.Lz4,
            // Never give up on a record: an unreachable target blocks the mirror (bounded by
            // MaxInFlight) instead of dropping data.
            MessageTimeoutMs = 0,
            QueueBufferingMaxMessages = _options.MaxInFlight,
            // A delivery report only needs its status: the callback already knows which record it
            // was. The default ("all") copies key, value and headers back for every record.
            DeliveryReportFields = "status",
        };

        // The consume loop serves the delivery reports itself, between records. With the client's
        // own poll thread, a record's native memory (message, header list, header) is allocated on
        // the loop's thread and freed on the poll thread, and the two threads meet on the
        // allocator's and the queues' locks: a profile of a warm backlog drain had the loop's
        // thread in futex waits and wakes for about a third of its time.
        config.Set("dotnet.producer.enable.background.poll", "false");
        return config;
    }

    public ProducerConfig HeartbeatProducer() => new(Common(Source, "heartbeat"))
    {
        Acks = Acks.All,
        LingerMs = 0,
        MessageTimeoutMs = (int)Math.Max(5_000, _options.HeartbeatInterval.TotalMilliseconds * 5),
    };

    public AdminClientConfig Admin(DatacenterKafka kafka) => new(Common(kafka, "admin"));

    private ClientConfig Common(DatacenterKafka kafka, string role)
    {
        var config = new ClientConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            ClientId = $"sidecar-replicator-{_options.InstanceId}-{role}",
        };
        foreach (var (key, value) in kafka.Client)
        {
            config.Set(key, value);
        }

        return config;
    }
}
