using System.ComponentModel.DataAnnotations;

namespace Sidecar.Node.Configuration;

/// <summary>Ingest rules: a team's own JSON event topics mapped to updates (docs/rules.md). Section "Rules".</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>The rules file (JSON, or YAML for .yaml/.yml); empty: the node runs no rules (the default).</summary>
    public string? File { get; set; }

    /// <summary>The consumer group of the source topics: the same on every node of a datacenter, so
    /// that Kafka gives each source partition to one of them and each event is mapped once there.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,249}$", ErrorMessage = "Rules:GroupId must be 1-249 letters, digits, '.', '_' or '-'.")]
    public string GroupId { get; set; } = "sidecar-rules";

    /// <summary>How often the file is read again; a changed file is validated whole before it replaces the rules in force.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most events mapped in one round of produce, acknowledge and commit.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 5_000;

    /// <summary>How long the group waits for a node that stopped heart-beating before its source
    /// partitions go to the others (librdkafka's session.timeout.ms, 45 s by default: too long for
    /// a clickstream to stall when a node is killed).</summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:05:00")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(File);
}
