using System.ComponentModel.DataAnnotations;

namespace Sidecar.Proxy.Configuration;

/// <summary>Membership from Consul: the passing instances of a service in every datacenter of <see cref="ProxyOptions.Datacenters"/>.</summary>
public sealed class ConsulMembershipOptions
{
    /// <summary>The local agent's HTTP API; empty: no Consul membership.</summary>
    public string? Address { get; set; }

    public string? Token { get; set; }

    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Proxy:Consul:ServiceName must be a Consul service name.")]
    public string ServiceName { get; set; } = "sidecar";

    /// <summary>Longest block of one health query (Consul caps it at 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BlockingWait { get; set; } = TimeSpan.FromMinutes(5);
}
