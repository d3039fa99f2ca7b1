using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sidecar.Bench;

/// <summary>
/// Clickstream events as a team's topic would carry them (3 of 4 hotel searches, 1 to 3 rooms, 8
/// cities), each as its bytes and parsed once: the expressions are measured on parsed events, the
/// whole mapping from the bytes, as the node gets them.
/// </summary>
internal sealed class BenchEvents
{
    /// <summary>The events' times: an hour before the clock the mapping is given, so none is ahead of it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Cities = ["Paris", "Berlin", "Lisbon", "Rome", "Madrid", "Vienna", "Prague", "Oslo"];

    private BenchEvents(byte[][] bytes, JsonElement[] roots)
    {
        Bytes = bytes;
        Roots = roots;
    }

    public byte[][] Bytes { get; }

    /// <summary>Standalone parsed copies (not pooled documents): a million of them stay in memory for every run.</summary>
    public JsonElement[] Roots { get; }

    public int Count => Roots.Length;

    public static bool IsHotelSearch(int n) => n % 4 != 3;

    public static BenchEvents Make(int count)
    {
        var bytes = new byte[count][];
        var roots = new JsonElement[count];
        var start = Now.AddHours(-1).ToUnixTimeMilliseconds();
        for (var n = 0; n < count; n++)
        {
            var type = IsHotelSearch(n) ? "hotel_search" : "booking";
            var json = string.Create(CultureInfo.InvariantCulture,
                $$$"""{"type":"{{{type}}}","ts":{{{start + n}}},"user":{"id":"user-{{{n % 100_000}}}"},"rooms":{{{1 + n % 3}}},"hotel":{"id":"h-{{{n % 5_000}}}","city":"{{{Cities[n % Cities.Length]}}}"}}""");
            bytes[n] = Encoding.UTF8.GetBytes(json);
            roots[n] = JsonSerializer.Deserialize<JsonElement>(bytes[n]);
        }

        return new BenchEvents(bytes, roots);
    }
}
