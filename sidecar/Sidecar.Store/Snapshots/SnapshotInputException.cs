namespace Sidecar.Store.Snapshots;

/// <summary>
/// The input of a snapshot build breaks the data model's rules or the line format: every problem
/// found, as <c>file:line: reason</c>, in line order. Nothing was written.
/// </summary>
public sealed class SnapshotInputException(string input, IReadOnlyList<string> problems, int total)
    : FormatException(Describe(input, problems, total))
{
    /// <summary>The problems listed (at most <see cref="SnapshotBuilder.MaxProblemsListed"/>).</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Every problem found, listed or not.</summary>
    public int Total { get; } = total;

    private static string Describe(string input, IReadOnlyList<string> problems, int total)
    {
        var more = total > problems.Count ? $"{Environment.NewLine}  ... and {total - problems.Count} more" : "";
        return $"{input}: {total} problem(s), nothing written:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}{more}";
    }
}
