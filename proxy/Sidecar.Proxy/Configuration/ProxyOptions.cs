using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;

namespace Sidecar.Proxy.Configuration;

/// <summary>The proxy's settings, section "Proxy". Validated whole at start-up.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>The datacenter this proxy runs in: its nodes are preferred.</summary>
    [Required, DatacenterName("Proxy:Datacenter")]
    public string Datacenter { get; set; } = "dc1";

    /// <summary>
    /// Every datacenter, in failover order: when no node of the preferred datacenter is
    /// available, the user goes to their node in the next one of this list. Membership naming
    /// any other datacenter is refused.
    /// </summary>
    [Required, MinLength(1)]
    public List<string> Datacenters { get; set; } = [];

    /// <summary>A request whose path is not <c>/v1/users/{id}/...</c> is routed by this header.</summary>
    [Required, RegularExpression("^[A-Za-z0-9-]{1,64}$", ErrorMessage = "Proxy:UserHeader must be a header name.")]
    public string UserHeader { get; set; } = "X-User-Id";

    /// <summary>
    /// Pin each user to one "home" datacenter chosen by hash (to keep a user's writes in one
    /// place) instead of preferring the local one; other datacenters only when the home one has
    /// no available node.
    /// </summary>
    public bool HomeDatacenter { get; set; }

    /// <summary>A JSON membership file, reloaded when it changes (<c>{"datacenters":{"dc-a":[{"id","address"}]}}</c>).</summary>
    public string? MembershipFile { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan FileReloadInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    [ValidateObjectMembers]
    public ConsulMembershipOptions Consul { get; set; } = new();

    [ValidateObjectMembers]
    public ActiveHealthOptions ActiveHealth { get; set; } = new();

    [ValidateObjectMembers]
    public RetryOptions Retry { get; set; } = new();

    [ValidateObjectMembers]
    public ForwarderOptions Forwarder { get; set; } = new();
}
