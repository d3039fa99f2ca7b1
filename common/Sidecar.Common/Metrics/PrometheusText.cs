using System.Globalization;

namespace Sidecar.Common.Metrics;

/// <summary>Reads values out of a process's Prometheus text exposition (/metrics): for tests,
/// benchmarks and the operator's status view.</summary>
public static class PrometheusText
{
    /// <summary>The sum of every series of <paramref name="name"/> (all label sets) whose labels contain <paramref name="labels"/>.</summary>
    public static async Task<double> SumAsync(HttpClient http, string name, string labels = "") =>
        Sum(await http.GetStringAsync("/metrics"), name, labels);

    public static double Sum(string text, string name, string labels = "") =>
        Series(text, name, labels).Sum(s => s.Value);

    /// <summary>
    /// A quantile estimated from a histogram's cumulative buckets (linear inside the bucket, as
    /// Prometheus' histogram_quantile does); NaN when the histogram is empty.
    /// </summary>
    public static double Quantile(string text, string histogram, double q, string labels = "") =>
        Quantile(Buckets(text, histogram, labels), q);

    /// <summary>The same, over what was observed between two scrapes only.</summary>
    public static double Quantile(string before, string after, string histogram, double q, string labels = "")
    {
        var earlier = Buckets(before, histogram, labels).ToDictionary(b => b.Le, b => b.Count);
        return Quantile(Buckets(after, histogram, labels).Select(b => (b.Le, b.Count - earlier.GetValueOrDefault(b.Le))).ToList(), q);
    }

    private static List<(double Le, double Count)> Buckets(string text, string histogram, string labels) =>
        Series(text, histogram + "_bucket", labels)
            .GroupBy(s => Le(s.Labels))
            .Select(g => (Le: g.Key, Count: g.Sum(s => s.Value)))
            .OrderBy(b => b.Le)
            .ToList();

    private static double Quantile(List<(double Le, double Count)> buckets, double q)
    {
        if (buckets.Count == 0 || buckets[^1].Count == 0)
        {
            return double.NaN;
        }

        var rank = q * buckets[^1].Count;
        var (lowerLe, lowerCount) = (0.0, 0.0);
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(le) ? lowerLe : lowerLe + ((le - lowerLe) * (rank - lowerCount) / Math.Max(1, count - lowerCount));
            }

            (lowerLe, lowerCount) = (le, count);
        }

        return lowerLe;
    }

    /// <summary>The value of one label in a series' label text (<c>name{a="x",b="y"}</c>); null when absent.</summary>
    public static string? Label(string series, string label)
    {
        var start = series.IndexOf(label + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += label.Length + 2;
        return series[start..series.IndexOf('"', start)];
    }

    /// <summary>Every series of <paramref name="name"/> whose labels contain <paramref name="labels"/>: its name-and-labels text and value.</summary>
    public static IEnumerable<(string Labels, double Value)> Series(string text, string name, string labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not (' ' or '{'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var head = line[..space];
            if (labels.Length > 0 && !head.Contains(labels, StringComparison.Ordinal))
            {
                continue;
            }

            yield return (head, double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
        }
    }

    private static double Le(string labels)
    {
        var start = labels.IndexOf("le=\"", StringComparison.Ordinal) + 4;
        var value = labels[start..labels.IndexOf('"', start)];
        return value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
    }
}
