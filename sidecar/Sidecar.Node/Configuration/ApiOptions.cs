using System.ComponentModel.DataAnnotations;
using Sidecar.Store.Model;

namespace Sidecar.Node.Configuration;

/// <summary>Limits of the HTTP API. Section "Api".</summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string Section = "Api";

    [Range(256, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>User ids are 1 to this many UTF-8 bytes (<see cref="UserIdRule"/>). A snapshot for
    /// nodes that raise it is built with the same value (sidecarctl's <c>--max-user-id-bytes</c>).</summary>
    [Range(1, ModelLimits.Most)]
    public int MaxUserIdBytes { get; set; } = ModelLimits.DefaultUserIdBytes;

    /// <summary>Field, list and counter names are 1 to this many characters (<see cref="NameRule"/>);
    /// a snapshot is built with the same value (<c>--max-name-length</c>).</summary>
    [Range(1, ModelLimits.Most)]
    public int MaxNameLength { get; set; } = ModelLimits.DefaultNameLength;

    [Range(1, 1_000_000)]
    public int MaxValueBytes { get; set; } = 16 * 1024;

    [Range(1, 10_000)]
    public int MaxOpsPerRequest { get; set; } = 100;

    /// <summary><c>/admin/digest</c> calls that run at once (each hashes a whole version).</summary>
    [Range(1, 64)]
    public int DigestConcurrency { get; set; } = 1;

    /// <summary><c>/admin/digest</c> calls that wait for a turn beyond <see cref="DigestConcurrency"/>;
    /// any more are answered 429 at once.</summary>
    [Range(0, 1000)]
    public int DigestQueue { get; set; } = 8;

    /// <summary>How long <c>?wait=applied</c> waits before answering 504.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan ApplyWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Optional second address, served with HTTP/2 over clear text only, for proxies (see
    /// <see cref="H2cEndpoint"/>); e.g. <c>http://0.0.0.0:5081</c>. Registered in Consul as the
    /// service's <c>h2c-port</c> metadata. Empty: none.
    /// </summary>
    public string? H2cUrl { get; set; }

    /// <summary>The data model's limits as configured here.</summary>
    public ModelLimits Limits => new() { MaxUserIdBytes = MaxUserIdBytes, MaxNameLength = MaxNameLength };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(H2cUrl) && H2cEndpoint.Parse(H2cUrl) is null)
        {
            yield return new ValidationResult($"H2cUrl '{H2cUrl}' must be an http:// address with a port other than 0, e.g. http://0.0.0.0:5081", [nameof(H2cUrl)]);
        }
    }
}
