namespace Sidecar.Common.Contracts;

/// <summary>
/// What a datacenter name may look like, in every process: 1-32 characters of lowercase ASCII
/// letters, digits and '-'. A datacenter name becomes part of Kafka topic names
/// (<c>&lt;dc&gt;.updates</c>), Consul's <c>?dc=</c> and op origins, so every process must accept
/// exactly the same names.
/// </summary>
public static class DatacenterName
{
    public const int MaxLength = LowercaseName.MaxLength;

    public static bool IsValid(string? name) => LowercaseName.IsValid(name);

    /// <summary>The one error text for a setting (or an entry of one) that is not a datacenter name.</summary>
    public static string Problem(string setting) =>
        $"{setting} must be a datacenter name: 1-{MaxLength} characters of lowercase letters, digits or '-'.";
}
