namespace Sidecar.Node.Coordination.Decisions;

/// <summary>What the coordinator does with an undecided round at one read: commit, abort (with the
/// reason written into the decision) or wait for the next read.</summary>
internal sealed record RoundVerdict(RoundVerdict.Kind Action, string? Reason)
{
    public enum Kind
    {
        Wait,
        Commit,
        Abort,
    }

    public static RoundVerdict Wait { get; } = new(Kind.Wait, null);

    public static RoundVerdict Commit { get; } = new(Kind.Commit, null);

    public static RoundVerdict Abort(string reason) => new(Kind.Abort, reason);
}
