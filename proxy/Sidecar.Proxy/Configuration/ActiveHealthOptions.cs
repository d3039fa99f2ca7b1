using System.ComponentModel.DataAnnotations;

namespace Sidecar.Proxy.Configuration;

/// <summary>Active checks: every node's readiness endpoint, polled on an interval.</summary>
public sealed class ActiveHealthOptions
{
    [Required, RegularExpression("^/[A-Za-z0-9/._-]*$", ErrorMessage = "Proxy:ActiveHealth:Path must be an absolute path.")]
    public string Path { get; set; } = "/health/ready";

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed checks in a row that take a node out (a failed request takes it out at once).</summary>
    [Range(1, 100)]
    public int Fall { get; set; } = 2;
}
