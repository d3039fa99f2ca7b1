using System.Text.RegularExpressions;

namespace Sidecar.Common.Tests.Contracts;

/// <summary>The series names the processes export (a histogram's three each), and the names a
/// PromQL expression of ours refers to: what the alert rules and the dashboard are checked against.</summary>
internal static partial class ExportedSeries
{
    public static HashSet<string> All() =>
        MetricNameTests.All().SelectMany(m => new[] { m.Exported, m.Exported + "_bucket", m.Exported + "_sum", m.Exported + "_count" }).ToHashSet();

    /// <summary>The metric names in <paramref name="expression"/> of the families we export (sidecar_, http_, dotnet_).</summary>
    public static IEnumerable<string> NamedIn(string expression) => Named().Matches(expression).Select(m => m.Value);

    [GeneratedRegex(@"\b(sidecar|http|dotnet)_[a-z_]+\b")]
    private static partial Regex Named();
}
