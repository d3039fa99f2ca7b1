using System.ComponentModel.DataAnnotations;

namespace Sidecar.Node.Configuration;

/// <summary>Limits of the HTTP API. Section "Api".</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    [Range(256, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    [Range(1, 1024)]
    public int MaxUserIdBytes { get; set; } = 128;

    [Range(1, 1024)]
    public int MaxNameLength { get; set; } = 128;

    [Range(1, 1_000_000)]
    public int MaxValueBytes { get; set; } = 16 * 1024;

    [Range(1, 10_000)]
    public int MaxOpsPerRequest { get; set; } = 100;

    /// <summary>How long <c>?wait=applied</c> waits before answering 504.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan ApplyWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
