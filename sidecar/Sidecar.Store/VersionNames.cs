using System.Text.RegularExpressions;

namespace Sidecar.Store;

/// <summary>Dataset version ids: they name directories and Consul keys, so they are restricted.</summary>
public static partial class VersionNames
{
    /// <summary>The version a node starts with before any rollout: an empty store fed by Kafka.</summary>
    public const string Initial = "initial";

    /// <summary>Null when the id is usable; otherwise why not.</summary>
    public static string? Check(string id) =>
        Pattern().IsMatch(id) ? null : $"version id '{id}' must be 1-64 letters, digits, '.', '_' or '-', not starting with '.'";

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
