using Sidecar.Store.State;

namespace Sidecar.Node.Storage;

/// <summary>A cached state and, once some reader rendered it, its JSON. Never changed after it is
/// published, except for filling in <see cref="Json"/> (every reader would render the same bytes).</summary>
internal sealed class CachedUser(UserState state)
{
    public UserState State { get; } = state;

    public byte[]? Json { get; set; }
}
