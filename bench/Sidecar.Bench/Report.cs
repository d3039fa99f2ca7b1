using System.Globalization;

namespace Sidecar.Bench;

/// <summary>Prints results as Markdown rows, ready for docs/benchmarks.md.</summary>
internal static class Report
{
    public static void Header(string title, params string[] columns)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
        Console.WriteLine();
        Console.WriteLine("| " + string.Join(" | ", columns) + " |");
        Console.WriteLine("|" + string.Concat(columns.Select(_ => "---|")));
    }

    public static void Row(params object[] cells) =>
        Console.WriteLine("| " + string.Join(" | ", cells.Select(Format)) + " |");

    public static void Note(string text) => Console.Error.WriteLine("# " + text);

    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Format(object cell) => cell switch
    {
        double d when double.IsNaN(d) => "n/a",
        double d => d >= 100 ? d.ToString("N0", CultureInfo.InvariantCulture) : d.ToString("0.##", CultureInfo.InvariantCulture),
        long or int => string.Format(CultureInfo.InvariantCulture, "{0:N0}", cell),
        _ => cell.ToString() ?? "",
    };
}
