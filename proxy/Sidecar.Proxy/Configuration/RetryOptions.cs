using System.ComponentModel.DataAnnotations;

namespace Sidecar.Proxy.Configuration;

/// <summary>Retries of idempotent requests on the user's next node.</summary>
public sealed class RetryOptions
{
    /// <summary>Attempts after the first, each on the next node in the user's order.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>No retry starts after this long since the request arrived.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay before the second and later retries (the first is immediate: it goes to another node), doubled each time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Request body bytes buffered so that a write with an idempotency key can be sent again.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxBufferedBody { get; set; } = 1024 * 1024;
}
