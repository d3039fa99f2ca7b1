using Sidecar.Common.Clocks;
using Sidecar.Store.Snapshots;
using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>
/// What expiry hides and removes, as pure functions of (state, settings, time). Every node that
/// holds the same state shows the same thing at the same time, and removing expired entries at
/// any moment on any node alone never changes what is visible later:
/// <list type="bullet">
/// <item>a field's register only loses to a newer stamp, and a late write older than an expired
/// one is itself expired;</item>
/// <item>a list keeps its newest items under the cap, and an expired item is older than every
/// visible one, so removing it never lets an older one in and a late old push stays invisible;</item>
/// <item>a delete-user older than the window only removes what is expired anyway.</item>
/// </list>
/// Counters have no per-increment stamps and never expire by item; <see cref="Hidden"/> hides a
/// whole user. Entries a snapshot wrote (origin "snapshot", HLC 0..n) carry no time: they live
/// as long as their version, and a user that has nothing else is never hidden.
/// </summary>
internal static class ExpiryRule
{
    /// <summary>Removes the expired entries, in place; true when it removed any. Before removing,
    /// it records the user's newest op (<c>UserState.newest</c>), so that removing stamps never
    /// makes the user look older to <see cref="Hidden"/>. A state with nothing expired is left as
    /// it is: the common case of a write costs one pass over the stamps.</summary>
    public static bool Sweep(UserState state, Expiry expiry, long nowMs)
    {
        if (expiry.ItemTtl is not { } ttl)
        {
            return false;
        }

        var cut = nowMs - (long)ttl.TotalMilliseconds;
        if (!AnyExpired(state, cut))
        {
            return false;
        }

        state.Newest = Newest(state);
        var removed = false;
        if (Expired(state.Deleted, cut))
        {
            state.Deleted = null;
            removed = true;
        }

        for (var i = state.Fields.Count - 1; i >= 0; i--)
        {
            if (Expired(state.Fields[i].Stamp, cut))
            {
                state.Fields.RemoveAt(i);
                removed = true;
            }
        }

        for (var i = state.Lists.Count - 1; i >= 0; i--)
        {
            var items = state.Lists[i].Items;
            // Newest first, and snapshot items (the lowest stamps) last: expired ones sit just
            // before them.
            for (var j = items.Count - 1; j >= 0; j--)
            {
                if (Expired(items[j].Stamp, cut))
                {
                    items.RemoveAt(j);
                    removed = true;
                }
            }

            if (items.Count == 0)
            {
                state.Lists.RemoveAt(i);
            }
        }

        return removed;
    }

    /// <summary>
    /// The state a digest covers at <paramref name="atMs"/>: <see cref="Sweep"/>, and
    /// <c>newest</c> set whether or not anything was removed, so that a node that removed entries
    /// earlier (and recorded <c>newest</c> then) and one that never did give the same bytes.
    /// </summary>
    public static void Project(UserState state, Expiry expiry, long atMs)
    {
        Sweep(state, expiry, atMs);
        if (expiry.ItemTtl is not null)
        {
            state.Newest = Newest(state);
        }
    }

    /// <summary>True when the user's newest op is older than <c>Ttl</c>: a reader gets 404, and
    /// the next snapshot built from a checkpoint leaves the user out.</summary>
    public static bool Hidden(UserState state, Expiry expiry, long nowMs) =>
        expiry.Ttl is { } ttl && Newest(state) is var newest and > 0
        && HybridLogicalClock.UnixMilliseconds(newest) < nowMs - (long)ttl.TotalMilliseconds;

    /// <summary>
    /// The first moment after <paramref name="nowMs"/> at which what a reader sees of the (swept)
    /// state changes by expiry alone: a rendering of it may be served until then. Only visible
    /// entries count: a tombstone or an item past the list's visible length expiring changes
    /// nothing a reader sees.
    /// </summary>
    public static long ValidUntil(UserState state, Expiry expiry, long nowMs)
    {
        var until = long.MaxValue;
        if (expiry.ItemTtl is { } itemTtl)
        {
            var ttl = (long)itemTtl.TotalMilliseconds;
            foreach (var field in state.Fields)
            {
                if (!field.Tombstone)
                {
                    until = Math.Min(until, Ends(field.Stamp, ttl));
                }
            }

            foreach (var list in state.Lists)
            {
                var visible = UserView.VisibleCount(list);
                for (var i = 0; i < visible; i++)
                {
                    until = Math.Min(until, Ends(list.Items[i].Stamp, ttl));
                }
            }
        }

        if (expiry.Ttl is { } userTtl && Newest(state) is var newest and > 0)
        {
            until = Math.Min(until, HybridLogicalClock.UnixMilliseconds(newest) + (long)userTtl.TotalMilliseconds + 1);
        }

        return Math.Max(until, nowMs + 1);
    }

    /// <summary>The HLC of the user's newest op that carries a time: the highest of
    /// <c>newest</c>, every stamp the state holds and its newest remembered request.</summary>
    public static ulong Newest(UserState state)
    {
        var newest = Math.Max(state.Newest, Timed(state.Deleted));
        foreach (var field in state.Fields)
        {
            newest = Math.Max(newest, Timed(field.Stamp));
        }

        foreach (var list in state.Lists)
        {
            newest = Math.Max(newest, Timed(list.MaxStamp));
            foreach (var item in list.Items)
            {
                newest = Math.Max(newest, Timed(item.Stamp));
            }
        }

        var blob = state.Requests.Span;
        for (var at = 1; at < blob.Length;)
        {
            var entry = RequestLog.ReadEntry(blob, at);
            newest = Math.Max(newest, entry.Newest);
            at = entry.End;
        }

        return newest;
    }

    private static bool AnyExpired(UserState state, long cutMs)
    {
        if (Expired(state.Deleted, cutMs))
        {
            return true;
        }

        foreach (var field in state.Fields)
        {
            if (Expired(field.Stamp, cutMs))
            {
                return true;
            }
        }

        foreach (var list in state.Lists)
        {
            foreach (var item in list.Items)
            {
                if (Expired(item.Stamp, cutMs))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Expired(Stamp? stamp, long cutMs) =>
        stamp is not null && stamp.Origin != UserDocument.SnapshotOrigin && HybridLogicalClock.UnixMilliseconds(stamp.Hlc) < cutMs;

    // The first millisecond at which the entry is expired: its time is then below now - ttl.
    private static long Ends(Stamp stamp, long ttlMs) =>
        stamp.Origin == UserDocument.SnapshotOrigin ? long.MaxValue : HybridLogicalClock.UnixMilliseconds(stamp.Hlc) + ttlMs + 1;

    private static ulong Timed(Stamp? stamp) => stamp is null || stamp.Origin == UserDocument.SnapshotOrigin ? 0 : stamp.Hlc;
}
