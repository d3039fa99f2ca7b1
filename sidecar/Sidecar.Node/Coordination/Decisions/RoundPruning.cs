namespace Sidecar.Node.Coordination.Decisions;

/// <summary>Which decided rounds the coordinator deletes from Consul KV, and how often it looks:
/// all but the newest <c>Rollout:KeepRounds</c>, at most every <see cref="Interval"/> while idle.</summary>
internal static class RoundPruning
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>The rounds to delete, oldest first (each listed once, however many keys it has).</summary>
    public static IReadOnlyList<ulong> Stale(IEnumerable<ulong> rounds, int keep)
    {
        var ordered = rounds.Distinct().Order().ToList();
        return ordered.Take(Math.Max(0, ordered.Count - keep)).ToList();
    }
}
