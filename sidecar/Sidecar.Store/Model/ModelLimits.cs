namespace Sidecar.Store.Model;

/// <summary>
/// How long a user id and a name may be. The node takes them from <c>Api:MaxUserIdBytes</c> and
/// <c>Api:MaxNameLength</c>; the snapshot builder is given the same values (sidecarctl's
/// <c>--max-user-id-bytes</c>, <c>--max-name-length</c>), so a snapshot holds nothing the nodes'
/// API refuses to read or cannot update.
/// </summary>
public sealed class ModelLimits
{
    public const int DefaultUserIdBytes = 128;

    public const int DefaultNameLength = 128;

    /// <summary>The most either limit may be set to (also the bound of the node's options).</summary>
    public const int Most = 1024;

    public static ModelLimits Default { get; } = new();

    /// <summary>User ids are bounded in UTF-8 bytes: the id is the RocksDB key and the Kafka key.</summary>
    public int MaxUserIdBytes { get; init; } = DefaultUserIdBytes;

    /// <summary>Field, list and counter names are bounded in characters (they are ASCII, see <see cref="NameRule"/>).</summary>
    public int MaxNameLength { get; init; } = DefaultNameLength;

    /// <summary>Every reason the limits are out of bounds; empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxUserIdBytes is < 1 or > Most)
        {
            problems.Add($"the user id limit must be 1 to {Most} bytes, not {MaxUserIdBytes}");
        }

        if (MaxNameLength is < 1 or > Most)
        {
            problems.Add($"the name limit must be 1 to {Most} characters, not {MaxNameLength}");
        }

        return problems;
    }
}
