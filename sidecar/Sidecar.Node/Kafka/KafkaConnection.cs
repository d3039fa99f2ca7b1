using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Sidecar.Common.Kafka;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Kafka;

/// <summary>
/// Where the node's Kafka is, and the client settings every client of the node shares. With no
/// bootstrap servers configured it starts librdkafka's mock cluster in this process, so a bare
/// <c>dotnet run</c> works; its data lives in memory and dies with the process.
/// </summary>
internal sealed class KafkaConnection : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly MockKafkaCluster? _embedded;

    public KafkaConnection(IOptions<KafkaOptions> options, IOptions<DatasetsOptions> datasets, ILogger<KafkaConnection> logger)
    {
        NativeKafka.EnsureLoaded();
        _options = options.Value;
        if (!string.IsNullOrWhiteSpace(_options.BootstrapServers))
        {
            BootstrapServers = _options.BootstrapServers;
            return;
        }

        _embedded = MockKafkaCluster.Start(brokers: 1);
        _embedded.CreateTopic(_options.UpdatesTopic, _options.EmbeddedPartitions);
        _embedded.CreateTopic(_options.DeadLetterTopic, _options.EmbeddedPartitions);
        foreach (var dataset in datasets.Value.Named.Values)
        {
            _embedded.CreateTopic(dataset.Topic!, _options.EmbeddedPartitions);
            _embedded.CreateTopic(dataset.DeadLetters, _options.EmbeddedPartitions);
        }

        BootstrapServers = _embedded.BootstrapServers;
        logger.LogWarning(
            "No Kafka:BootstrapServers configured: started librdkafka's in-process mock cluster at {Bootstrap} " +
            "(topics {Updates} and {DeadLetters} and those of the named datasets, {Partitions} partitions). Its data is in memory and is lost when the node stops.",
            BootstrapServers, _options.UpdatesTopic, _options.DeadLetterTopic, _options.EmbeddedPartitions);
    }

    public string BootstrapServers { get; }

    public ProducerConfig ProducerConfig(string clientId)
    {
        var config = new ProducerConfig(Common(clientId))
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 1,
            CompressionType = CompressionType.Lz4,
            // Kafka's Java default for keyed records (murmur2 of the key), not librdkafka's crc32:
            // the partition of a user's writes is then the one a partitioned key layout groups the
            // user under, and the one any Java or Kafka Streams producer of the team picks.
            Partitioner = Partitioner.Murmur2Random,
        };
        return config;
    }

    public ConsumerConfig ConsumerConfig(string clientId, string groupId)
    {
        var config = new ConsumerConfig(Common(clientId))
        {
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = _options.FetchWaitMaxMs,
            EnablePartitionEof = false,
        };
        return config;
    }

    public AdminClientConfig AdminConfig(string clientId) => new(Common(clientId));

    public void Dispose() => _embedded?.Dispose();

    private ClientConfig Common(string clientId)
    {
        var config = new ClientConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = clientId,
        };
        foreach (var (key, value) in _options.Client)
        {
            config.Set(key, value);
        }

        return config;
    }
}
