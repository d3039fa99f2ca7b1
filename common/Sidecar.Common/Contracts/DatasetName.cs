namespace Sidecar.Common.Contracts;

/// <summary>
/// What a dataset name may look like, in every process: the datacenter names' rule (1-32
/// characters of lowercase ASCII letters, digits and '-'), because a dataset name also becomes
/// part of URL paths (<c>/v1/datasets/{dataset}/...</c>), Consul keys and topic names.
/// <see cref="Default"/> names the dataset a node served before datasets had names, which
/// <c>/v1/users/{id}</c> still reads and writes (docs/datasets.md).
/// </summary>
public static class DatasetName
{
    public const string Default = "default";

    public const int MaxLength = LowercaseName.MaxLength;

    public static bool IsValid(string? name) => LowercaseName.IsValid(name);

    /// <summary>The one error text for a setting (or an entry of one) that is not a dataset name.</summary>
    public static string Problem(string setting) =>
        $"{setting} must be a dataset name: 1-{MaxLength} characters of lowercase letters, digits or '-'.";
}
