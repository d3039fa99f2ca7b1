using System.ComponentModel.DataAnnotations;

namespace Sidecar.Node.Configuration;

/// <summary>Kafka connection, topics and ingest batching. Section "Kafka".</summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    /// <summary>Bootstrap servers; empty starts librdkafka's mock cluster inside the node.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>This datacenter's update topic; other datacenters' arrive as "&lt;dc&gt;.&lt;topic&gt;".</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,200}$", ErrorMessage = "Kafka:UpdatesTopic must be a topic name without '.'.")]
    public string UpdatesTopic { get; set; } = "updates";

    /// <summary>Where records that cannot be decoded go, with the reason in a header.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,249}$", ErrorMessage = "Kafka:DeadLetterTopic must be a valid topic name.")]
    public string DeadLetterTopic { get; set; } = "updates.dlq";

    /// <summary>Partitions of the topics the embedded mock cluster creates.</summary>
    [Range(1, 1024)]
    public int EmbeddedPartitions { get; set; } = 8;

    /// <summary>Most records applied in one RocksDB write batch.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 5_000;

    /// <summary>librdkafka's fetch.wait.max.ms; keep it low on the mock cluster (it parks empty fetches).</summary>
    [Range(1, 10_000)]
    public int FetchWaitMaxMs { get; set; } = 10;

    /// <summary>How often the node looks for new topics and partitions (other datacenters' mirrors).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The node reports ready only when it is at most this many records behind.</summary>
    [Range(0, long.MaxValue)]
    public long MaxReadyLag { get; set; } = 1_000;

    /// <summary>Extra librdkafka settings for every client (e.g. security), passed through as is.</summary>
    public Dictionary<string, string> Client { get; set; } = new();
}
