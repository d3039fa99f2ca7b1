using System.ComponentModel.DataAnnotations;
using Sidecar.Common.Contracts;

namespace Sidecar.Replicator.Configuration;

/// <summary>
/// One direction of mirroring: the source datacenter's own topics into the target's Kafka.
/// Run several instances with the same direction to share the partitions. Section "Replicator".
/// </summary>
public sealed class ReplicatorOptions
{
    public const string Section = "Replicator";

    /// <summary>Unique id of this instance (client ids, heartbeats, logs).</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Replicator:InstanceId must be 1-64 letters, digits, '.', '_' or '-'.")]
    public string InstanceId { get; set; } = Environment.MachineName;

    [Required, DatacenterName("Replicator:Source")]
    public string Source { get; set; } = "";

    [Required, DatacenterName("Replicator:Target")]
    public string Target { get; set; } = "";

    /// <summary>Every datacenter's Kafka, by datacenter name.</summary>
    [Required]
    public Dictionary<string, DatacenterKafka> Datacenters { get; set; } = new();

    /// <summary>The source's own topics to mirror (never a remote "&lt;dc&gt;.topic").</summary>
    [Required, MinLength(1)]
    public List<string> Topics { get; set; } = [];

    /// <summary>What to do when the source no longer holds the records after the checkpoint.</summary>
    public GapPolicy GapPolicy { get; set; } = GapPolicy.Stop;

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often new source topics and partitions are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MetadataInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Records produced but not yet acknowledged by the target, at most (bounds memory).</summary>
    [Range(1, 10_000_000)]
    public int MaxInFlight { get; set; } = 100_000;

    [Range(0, 1000)]
    public double LingerMs { get; set; } = 2;

    [Range(1, 10_000)]
    public int FetchWaitMaxMs { get; set; } = 10;
}

public sealed class DatacenterKafka
{
    [Required]
    public string BootstrapServers { get; set; } = "";

    /// <summary>
    /// Control URL of a Sidecar.KafkaMock broker host; when set, topics are created through it
    /// (librdkafka's mock cluster does not serve CreateTopics) instead of the admin API.
    /// </summary>
    public string? MockControlUrl { get; set; }

    /// <summary>Extra librdkafka settings (security and the like), passed through.</summary>
    public Dictionary<string, string> Client { get; set; } = new();
}

public enum GapPolicy
{
    /// <summary>Stop mirroring the partition and report unhealthy until an operator acts.</summary>
    Stop,

    /// <summary>Report the gap and continue from the oldest record the source still has.</summary>
    Skip,
}
