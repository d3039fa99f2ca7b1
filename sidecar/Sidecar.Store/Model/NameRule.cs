namespace Sidecar.Store.Model;

/// <summary>
/// What a field, list or counter name may be: 1 to <see cref="ModelLimits.MaxNameLength"/>
/// characters of <c>[A-Za-z0-9_.-]</c>. A name is a path segment of
/// <c>GET /v1/users/{id}/fields/{field}</c> and a JSON property of every document, and the API
/// refuses any other: a snapshot holding one could serve a field that no POST can set or delete.
/// </summary>
public static class NameRule
{
    /// <summary>Returns why <paramref name="name"/> is not a name, or null when it is one;
    /// <paramref name="kind"/> ("field", "list", "counter") starts the reason.</summary>
    public static string? Check(string kind, string name, ModelLimits limits)
    {
        if (string.IsNullOrEmpty(name) || name.Length > limits.MaxNameLength)
        {
            return $"{kind} name must be 1 to {limits.MaxNameLength} characters";
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? null
            : $"{kind} name '{name}' may contain only letters, digits, '_', '-' and '.'";
    }
}
