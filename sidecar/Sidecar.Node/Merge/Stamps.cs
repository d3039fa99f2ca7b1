using Sidecar.Store.State;

namespace Sidecar.Node.Merge;

/// <summary>The total order of ops: hybrid logical clock, then origin datacenter, then op id.</summary>
internal static class Stamps
{
    /// <summary>Compares two stamps; an absent stamp sorts before every present one.</summary>
    public static int Compare(Stamp? a, Stamp? b)
    {
        if (a is null || b is null)
        {
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        }

        var c = a.Hlc.CompareTo(b.Hlc);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(a.Origin, b.Origin);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }

    public static bool Before(Stamp? a, Stamp? b) => Compare(a, b) < 0;
}
