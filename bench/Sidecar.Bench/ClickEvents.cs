using System.Globalization;
using System.Text;
using Sidecar.Common.Envelope;
using Sidecar.Testing;

namespace Sidecar.Bench;

/// <summary>
/// The rules benchmark's workload: JSON hotel_search events as a team's clickstream would emit
/// them, the rule that maps them (the shipped style: push recent max 20, set lastCity, incr
/// searches), and the envelope with the same three ops that the plain ingest is given instead.
/// </summary>
internal static class ClickEvents
{
    public const string Topic = "clicks.b2c";

    /// <summary>The rules file (JSON), one rule, the event time from the event itself.</summary>
    public const string RulesFile = """
        {
          "version": 1,
          "rules": [
            {
              "name": "hotel-search",
              "topics": ["clicks.b2c"],
              "when": "[/type] == 'hotel_search'",
              "user": "/user/id",
              "time": "/ts",
              "ops": [
                { "push": { "list": "recent", "item": "/hotel/id", "max": 20 } },
                { "set": { "field": "lastCity", "value": "/hotel/city" } },
                { "incr": { "counter": "searches" } }
              ]
            }
          ]
        }
        """;

    public static string Hotel(long n) => "hotel-" + (n % 5000).ToString(CultureInfo.InvariantCulture);

    public static string City(long n) => "city-" + (n % 300).ToString(CultureInfo.InvariantCulture);

    /// <summary>About 160 bytes, shaped like a real click event (fields the rule does not read included).</summary>
    public static byte[] Event(string user, string hotel, string city, long timestampMs) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"hotel_search","ts":{{timestampMs}},"user":{"id":"{{user}}","segment":"b2c"},"hotel":{"id":"{{hotel}}","city":"{{city}}"},"page":"/search","nights":2}"""));

    /// <summary>The ops the rule makes of <see cref="Event"/>, for the plain envelope ingest.</summary>
    public static Op[] Ops(string hotel, string city) =>
        [Envelopes.Push("recent", hotel, 20), Envelopes.Set("lastCity", $"\"{city}\""), Envelopes.Incr("searches", 1)];
}
