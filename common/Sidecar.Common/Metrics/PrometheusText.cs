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

    /// <summary>The value of one label in a series' label text (<c>name{a="x",b="y"}</c>), unescaped
    /// (<c>\\</c>, <c>\"</c>, <c>\n</c>); null when absent.</summary>
    public static string? Label(string series, string label)
    {
        foreach (var (name, value) in Labels(series))
        {
            if (name == label)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every series of <paramref name="name"/> whose labels contain <paramref name="labels"/>: its name-and-labels text and value.</summary>
    public static IEnumerable<(string Labels, double Value)> Series(string text, string name, string labels)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not (' ' or '{')
                || Parse(line) is not { } sample)
            {
                continue;
            }

            if (labels.Length > 0 && !sample.Series.Contains(labels, StringComparison.Ordinal))
            {
                continue;
            }

            yield return (sample.Series, sample.Value);
        }
    }

    /// <summary>
    /// One sample line (<c>name{labels} value [timestamp]</c>): the series text as written, the
    /// value and the optional timestamp (milliseconds); null for comments, blank or malformed lines.
    /// The end of the label set is found by scanning quoted values with their escapes, so a value
    /// holding <c>}</c>, <c>"</c> or spaces does not cut the line short.
    /// </summary>
    public static PrometheusSample? Parse(string line)
    {
        if (line.Length == 0 || line[0] == '#' || SeriesEnd(line) is not (> 0 and var end))
        {
            return null;
        }

        var fields = line[end..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 0 or > 2 || !TryValue(fields[0], out var value))
        {
            return null;
        }

        long? timestamp = null;
        if (fields.Length == 2)
        {
            if (!long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            {
                return null;
            }

            timestamp = ms;
        }

        return new PrometheusSample(line[..end], value, timestamp);
    }

    /// <summary>Where the series text ends: after the metric name, or after the label set's closing brace; -1 if the braces do not close.</summary>
    private static int SeriesEnd(string line)
    {
        var i = line.IndexOfAny([' ', '{']);
        if (i < 0 || line[i] == ' ')
        {
            return i;
        }

        var quoted = false;
        for (i++; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++; // the escaped character, whatever it is
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '}')
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>The label pairs of a series text, values unescaped; stops at the first malformed pair.</summary>
    private static IEnumerable<(string Name, string Value)> Labels(string series)
    {
        var i = series.IndexOf('{') + 1;
        if (i == 0)
        {
            yield break;
        }

        var value = new System.Text.StringBuilder();
        while (i < series.Length)
        {
            while (i < series.Length && series[i] is ',' or ' ')
            {
                i++;
            }

            var equals = series.IndexOf('=', i);
            if (equals < 0 || equals + 1 >= series.Length || series[equals + 1] != '"')
            {
                yield break;
            }

            var name = series[i..equals].Trim();
            value.Clear();
            for (i = equals + 2; i < series.Length && series[i] != '"'; i++)
            {
                if (series[i] == '\\' && i + 1 < series.Length)
                {
                    i++;
                    value.Append(series[i] == 'n' ? '\n' : series[i]);
                }
                else
                {
                    value.Append(series[i]);
                }
            }

            if (i >= series.Length)
            {
                yield break; // unterminated value
            }

            i++;
            yield return (name, value.ToString());
        }
    }

    /// <summary>A sample value: a float, or <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c> as the exposition format writes them.</summary>
    private static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static double Le(string labels) =>
        Label(labels, "le") is { } le && TryValue(le, out var value) ? value : double.NaN;
}
