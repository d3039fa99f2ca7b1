namespace Sidecar.Common.Contracts;

/// <summary>
/// The paths of a user's data, in both forms: <c>/v1/users/{id}[/...]</c> (the default dataset)
/// and <c>/v1/datasets/{dataset}/users/{id}[/...]</c>. The node maps its routes from these
/// patterns and the proxy finds the user to route by with <see cref="UserId"/>, so the two cannot
/// disagree on where the id is.
/// </summary>
public static class UserPaths
{
    /// <summary>The route value naming the dataset in the second form.</summary>
    public const string DatasetRouteValue = "dataset";

    /// <summary>Route patterns of one user (append <c>/fields/{field}</c>, <c>/updates</c>).</summary>
    public const string User = "/v1/users/{userId}";

    public const string DatasetUser = "/v1/datasets/{" + DatasetRouteValue + "}/users/{userId}";

    /// <summary>Both forms, for a node that maps every user route once per form.</summary>
    public static IReadOnlyList<string> Patterns { get; } = [User, DatasetUser];

    /// <summary>A node's checkpoints of a dataset's live version, in both forms (<c>/admin/checkpoints</c> is the default dataset's).</summary>
    public static IReadOnlyList<string> Checkpoints { get; } = ["/admin/checkpoints", "/admin/datasets/{" + DatasetRouteValue + "}/checkpoints"];

    /// <summary>Where a node serves the checkpoints of <paramref name="dataset"/> (relative, with a trailing slash).</summary>
    public static string CheckpointsOf(string dataset) =>
        dataset == DatasetName.Default ? "/admin/checkpoints/" : $"/admin/datasets/{dataset}/checkpoints/";

    private const string UsersPrefix = "/v1/users/";
    private const string DatasetsPrefix = "/v1/datasets/";
    private const string UsersSegment = "/users/";

    /// <summary>The <c>{id}</c> of either form, or empty when <paramref name="path"/> is neither.</summary>
    public static ReadOnlySpan<char> UserId(ReadOnlySpan<char> path)
    {
        if (path.StartsWith(DatasetsPrefix, StringComparison.Ordinal))
        {
            var rest = path[DatasetsPrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || !rest[slash..].StartsWith(UsersSegment, StringComparison.Ordinal))
            {
                return default;
            }

            path = rest[(slash + UsersSegment.Length)..];
        }
        else if (path.StartsWith(UsersPrefix, StringComparison.Ordinal))
        {
            path = path[UsersPrefix.Length..];
        }
        else
        {
            return default;
        }

        var end = path.IndexOf('/');
        return end < 0 ? path : path[..end];
    }
}
