namespace Sidecar.Common.Contracts;

/// <summary>
/// The one rule for names that become parts of Kafka topics, Consul keys and URL paths (datacenters
/// and datasets): 1-32 characters of lowercase ASCII letters, digits and '-'.
/// </summary>
internal static class LowercaseName
{
    public const int MaxLength = 32;

    public static bool IsValid(string? name) => name is not null && IsValid(name.AsSpan());

    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
