using System.ComponentModel.DataAnnotations;

namespace Sidecar.Node.Configuration;

/// <summary>
/// Where the node's Consul agent is and how it registers. Section "Consul". With no
/// <see cref="Address"/> the node runs alone: no registration, no rollouts.
/// </summary>
public sealed class ConsulOptions
{
    public const string Section = "Consul";

    /// <summary>The local agent's HTTP API, e.g. http://127.0.0.1:8500; empty disables Consul.</summary>
    [RegularExpression("^(https?://[^\\s]+)?$", ErrorMessage = "Consul:Address must be an absolute http or https URL, or empty.")]
    public string? Address { get; set; }

    /// <summary>ACL token, sent as X-Consul-Token.</summary>
    public string? Token { get; set; }

    /// <summary>Name the node registers under (the proxy looks it up by this name).</summary>
    [Required, RegularExpression("^[A-Za-z0-9-]{1,63}$", ErrorMessage = "Consul:ServiceName must be 1-63 letters, digits or '-'.")]
    public string ServiceName { get; set; } = "sidecar";

    /// <summary>The address other parts reach this node on; empty takes the host of the node's URL.</summary>
    public string? ServiceAddress { get; set; }

    /// <summary>The readiness check goes critical if the node has not reported within this time.
    /// Votes are held by a session bound to this check, so it is also how fast a dead node's vote disappears.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CheckTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The agent removes a registration whose check has been critical this long (a node that died without deregistering).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan DeregisterCriticalAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Root of the project's keys in Consul KV (versions index, rollout rounds).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$", ErrorMessage = "Consul:KvPrefix must be path segments of letters, digits, '_' or '-'.")]
    public string KvPrefix { get; set; } = "sidecar";
}
