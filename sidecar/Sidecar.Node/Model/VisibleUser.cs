using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Model;

/// <summary>
/// What a reader gets of a user state read from the store, with the dataset's expiry applied:
/// GET and the applier's refresh of the read cache both come through here, so a cached
/// rendering is the one a reader would make, and it says how long it stays right.
/// </summary>
internal static class VisibleUser
{
    /// <summary>Applies expiry to <paramref name="state"/> (a copy read for this call: it is
    /// changed in place); false when a reader gets 404 (hidden by <c>Ttl</c>, or nothing left).</summary>
    public static bool Apply(UserState state, Expiry expiry, long nowMs)
    {
        if (expiry.Enabled)
        {
            if (ExpiryRule.Hidden(state, expiry, nowMs))
            {
                return false;
            }

            ExpiryRule.Sweep(state, expiry, nowMs);
        }

        return UserView.Exists(state);
    }

    /// <summary>The rendering and the moment it stops being right (<c>long.MaxValue</c> without
    /// expiry), or null when a reader gets 404.</summary>
    public static Rendering? Render(string userId, UserState state, string version, Expiry expiry, long nowMs) =>
        Apply(state, expiry, nowMs)
            ? new Rendering(UserJsonWriter.Render(userId, state, version), expiry.Enabled ? ExpiryRule.ValidUntil(state, expiry, nowMs) : long.MaxValue)
            : null;
}

/// <summary>A user's JSON and the Unix millisecond from which it is no longer what a reader sees.</summary>
internal readonly record struct Rendering(byte[] Json, long ValidUntilMs);
