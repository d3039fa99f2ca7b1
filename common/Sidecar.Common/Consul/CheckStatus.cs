namespace Sidecar.Common.Consul;

/// <summary>A health check's state.</summary>
public enum CheckStatus
{
    Passing,
    Warning,
    Critical,
}

/// <summary>Check states as Consul writes them.</summary>
public static class CheckStatusText
{
    public static string ToConsul(this CheckStatus status) => status switch
    {
        CheckStatus.Passing => "passing",
        CheckStatus.Warning => "warning",
        CheckStatus.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
