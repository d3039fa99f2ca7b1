using System.ComponentModel.DataAnnotations;

namespace Sidecar.Proxy.Configuration;

/// <summary>The connections from the proxy to the nodes.</summary>
public sealed class ForwarderOptions
{
    [Range(1, 100_000)]
    public int MaxConnectionsPerServer { get; set; } = 512;

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A request to a node that shows no activity this long fails (504, or a retry when idempotent).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
