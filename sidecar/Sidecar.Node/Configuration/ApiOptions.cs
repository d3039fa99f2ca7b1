using System.ComponentModel.DataAnnotations;
using Sidecar.Node.Api;

namespace Sidecar.Node.Configuration;

/// <summary>Limits of the HTTP API. Section "Api".</summary>
public sealed class ApiOptions : IValidatableObject
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

    /// <summary>
    /// Optional second address, served with HTTP/2 over clear text only, for proxies (see
    /// <see cref="H2cEndpoint"/>); e.g. <c>http://0.0.0.0:5081</c>. Registered in Consul as the
    /// service's <c>h2c-port</c> metadata. Empty: none.
    /// </summary>
    public string? H2cUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(H2cUrl) && H2cEndpoint.Parse(H2cUrl) is null)
        {
            yield return new ValidationResult($"H2cUrl '{H2cUrl}' must be an http:// address with a port other than 0, e.g. http://0.0.0.0:5081", [nameof(H2cUrl)]);
        }
    }
}
