using System.Globalization;
using System.Text;
using System.Text.Json;
using Sidecar.Rules.Mapping;

namespace Sidecar.Cli.Rules;

/// <summary>
/// The sample events of <c>rules check --events</c>, one per line of a JSON-lines file. A line is
/// either a plain event (the record's value: taken as read from <c>--topic</c>, partition 0, offset
/// = its line number, Kafka timestamp = when the check runs), or a record: an object whose only
/// keys are <c>topic</c>, <c>partition</c>, <c>offset</c>, <c>timestamp</c> (Unix ms or RFC 3339)
/// and <c>value</c>, with <c>value</c> present; missing parts take the plain form's defaults. A
/// line that is not JSON is kept as it is, so that the check shows the node's dead letter for it.
/// Blank lines and lines starting with <c>#</c> are skipped.
/// </summary>
internal static class SampleEvents
{
    private static readonly HashSet<string> RecordKeys = new(["topic", "partition", "offset", "timestamp", "value"], StringComparer.Ordinal);

    public const int MaxEvents = 100_000;

    public static IEnumerable<(int Line, SourceEvent Event)> Read(string path, string defaultTopic, DateTimeOffset now)
    {
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (number > MaxEvents)
            {
                throw new ArgumentException($"{path}: more than {MaxEvents} lines; a sample is meant to be read by a person");
            }

            if (text.Length == 0 || text.AsSpan().Trim().IsEmpty || text.TrimStart().StartsWith('#'))
            {
                continue;
            }

            yield return (number, Parse(text, number, defaultTopic, now, path));
        }
    }

    private static SourceEvent Parse(string text, int line, string defaultTopic, DateTimeOffset now, string path)
    {
        var plain = new SourceEvent(defaultTopic, 0, line, now.ToUnixTimeMilliseconds(), Encoding.UTF8.GetBytes(text));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return plain;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var value)
                || root.EnumerateObject().Any(p => !RecordKeys.Contains(p.Name)))
            {
                return plain;
            }

            var where = $"{path} line {line}";
            return new SourceEvent(
                root.TryGetProperty("topic", out var t) ? t.GetString() ?? throw new ArgumentException($"{where}: topic must be a string") : defaultTopic,
                root.TryGetProperty("partition", out var p) ? Whole(p, where, "partition") is var n and >= 0 and <= int.MaxValue ? (int)n : throw new ArgumentException($"{where}: partition must be 0 or more") : 0,
                root.TryGetProperty("offset", out var o) ? Whole(o, where, "offset") is var off and >= 0 ? off : throw new ArgumentException($"{where}: offset must be 0 or more") : line,
                root.TryGetProperty("timestamp", out var ts) ? Timestamp(ts, where) : now.ToUnixTimeMilliseconds(),
                Encoding.UTF8.GetBytes(value.GetRawText()));
        }
    }

    private static long Whole(JsonElement element, string where, string what) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var n) ? n : throw new ArgumentException($"{where}: {what} must be a whole number");

    private static long Timestamp(JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var ms))
        {
            return ms;
        }

        if (element.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUnixTimeMilliseconds();
        }

        throw new ArgumentException($"{where}: timestamp must be Unix milliseconds or an RFC 3339 time");
    }
}
