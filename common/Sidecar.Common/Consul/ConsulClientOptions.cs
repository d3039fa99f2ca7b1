namespace Sidecar.Common.Consul;

/// <summary>How a <see cref="ConsulClient"/> reaches its agent.</summary>
public sealed class ConsulClientOptions
{
    /// <summary>The agent's HTTP address, e.g. http://127.0.0.1:8500.</summary>
    public Uri Address { get; set; } = new("http://127.0.0.1:8500");

    /// <summary>ACL token sent as <c>X-Consul-Token</c>; none when null or empty.</summary>
    public string? Token { get; set; }

    /// <summary>Datacenter sent as <c>?dc=</c> on every call that supports it, unless the call names
    /// its own; null: the agent's own datacenter.</summary>
    public string? Datacenter { get; set; }

    /// <summary>How long one call may take (a blocking query gets its wait on top).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>wait</c> of blocking queries made by watches (Consul caps it at 10 minutes).</summary>
    public TimeSpan BlockingWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Least time between two requests of one watch, so that a busy key cannot make it spin.</summary>
    public TimeSpan WatchMinInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Longest pause of a watch between failed attempts (it backs off up to this).</summary>
    public TimeSpan WatchMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of calls that are safe to repeat (reads, renew, agent updates); never of
    /// CAS writes, lock writes or transactions.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubled each attempt, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The clock of watches' pacing and back-off (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"Address must be an absolute http or https URI (was '{Address}')");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("RequestTimeout must be positive");
        }

        if (BlockingWait <= TimeSpan.Zero || BlockingWait > TimeSpan.FromMinutes(10))
        {
            problems.Add("BlockingWait must be above 0 and at most 10 minutes");
        }

        if (WatchMinInterval < TimeSpan.Zero || WatchMaxBackoff <= TimeSpan.Zero)
        {
            problems.Add("WatchMinInterval must not be negative and WatchMaxBackoff must be positive");
        }

        if (MaxRetries is < 0 or > 10)
        {
            problems.Add("MaxRetries must be between 0 and 10");
        }

        if (RetryDelay <= TimeSpan.Zero)
        {
            problems.Add("RetryDelay must be positive");
        }

        return problems;
    }
}
