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

    /// <summary>
    /// Send requests to a node's HTTP/2 clear-text listener when its Consul registration announces
    /// one (metadata <c>h2c-port</c>, from the node's <c>Api:H2cUrl</c>). In a membership file the
    /// address says it: <c>h2c://host:port</c>.
    /// </summary>
    public bool UseH2c { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
