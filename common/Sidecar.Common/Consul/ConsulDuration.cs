using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecar.Common.Consul;

/// <summary>Go's duration text, the form Consul takes and gives ("15s", "1m30s", "250ms").</summary>
public static class ConsulDuration
{
    /// <summary>Whole milliseconds when the value has a fraction of a second, else whole seconds.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a Consul duration cannot be negative");
        }

        var ms = (long)Math.Ceiling(value.TotalMilliseconds);
        return ms % 1000 == 0 ? (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s" : ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary>Parses "1h2m3.5s", "250ms", "10us", "0": a sequence of decimal numbers with units.</summary>
    public static TimeSpan Parse(string text)
    {
        if (text is "0" or "")
        {
            return TimeSpan.Zero;
        }

        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            if (start == unitStart || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"'{text}' is not a Go duration");
            }

            total += number * text[unitStart..i] switch
            {
                "ns" => 1e-6,
                "us" or "µs" => 1e-3,
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => throw new FormatException($"'{text}' has an unknown duration unit"),
            };
        }

        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>Reads and writes a <see cref="TimeSpan"/> as Go duration text.</summary>
    public sealed class JsonConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number
                ? TimeSpan.FromTicks(reader.GetInt64() / 100) // nanoseconds, as some endpoints send
                : Parse(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}
