using System.ComponentModel.DataAnnotations;

namespace Sidecar.Node.Configuration;

/// <summary>
/// One named dataset beside the default one: section <c>Datasets:&lt;name&gt;</c>. What is not set
/// here is today's setting of the node (<c>Store:*</c>, <c>Kafka:MaxReadyLag</c> ...), which the
/// default dataset uses (docs/datasets.md).
/// </summary>
public sealed class DatasetOptions
{
    /// <summary>This datacenter's update topic of the dataset; other datacenters' arrive as
    /// "&lt;dc&gt;.&lt;topic&gt;". Required, and no other dataset's.</summary>
    [Required(ErrorMessage = "Topic is required."), RegularExpression("^[A-Za-z0-9_-]{1,200}$", ErrorMessage = "Topic must be a topic name without '.'.")]
    public string? Topic { get; set; }

    /// <summary>Where the dataset's records that cannot be decoded go; default "&lt;topic&gt;.dlq".</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,249}$", ErrorMessage = "DeadLetterTopic must be a valid topic name.")]
    public string? DeadLetterTopic { get; set; }

    /// <summary>Items kept per list; default <c>Store:ListCap</c>.</summary>
    [Range(1, 10_000)]
    public int? ListCap { get; set; }

    /// <summary>Users whose rendered JSON is kept per version for reads; default <c>Store:ReadCacheEntries</c>.</summary>
    [Range(0, 10_000_000)]
    public int? ReadCacheEntries { get; set; }

    /// <summary>The partitions a new version of the dataset groups its keys by; default <c>Store:Partitions</c> (0, flat).</summary>
    [Range(0, KeyLayout.MaxPartitions)]
    public int? Partitions { get; set; }

    /// <summary>List items and fields older than this are gone; default <c>Store:ItemTtl</c> (none).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan? ItemTtl { get; set; }

    /// <summary>A user not updated for this long is hidden; default <c>Store:Ttl</c> (none).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan? Ttl { get; set; }

    /// <summary>The dataset's own rollout settings (<c>Datasets:&lt;name&gt;:Rollout:RetainVersions</c>, ...):
    /// any key of the node's <c>Rollout</c> section, over the node's value in the dataset's container.</summary>
    public Dictionary<string, string?> Rollout { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The dead-letter topic in use: <see cref="DeadLetterTopic"/>, else "&lt;topic&gt;.dlq".</summary>
    public string DeadLetters => string.IsNullOrEmpty(DeadLetterTopic) ? $"{Topic}.dlq" : DeadLetterTopic;
}
