using System.Globalization;
using System.Text.Json;

namespace Sidecar.Stack;

/// <summary>
/// The demo's clickstream as a team's site would emit it: JSON events of the shape
/// compose/rules/clickstream.yaml reads (<c>type</c>, <c>user.id</c>, <c>ts</c>, <c>hotel</c>,
/// <c>rooms</c>, <c>page</c>). Mostly searches, some page views (a third without a page, which
/// the rules' optional op leaves out) and a few bookings.
/// </summary>
internal static class ClickstreamEvents
{
    private static readonly string[] Cities = ["Goa", "Lisbon", "Kyoto", "Oslo", "Lima", "Cairo", "Hanoi", "Quito", "Porto", "Dakar"];

    /// <summary>The source topic of a user: every fifth user books for a company (b2b); one user's events stay in one topic, in order.</summary>
    public static string TopicOf(int user) => user % 5 == 0 ? StackLayout.SourceTopics[1] : StackLayout.SourceTopics[0];

    public static byte[] Next(string user, Random random, long nowMs)
    {
        var hotel = string.Create(CultureInfo.InvariantCulture, $"hotel-{random.Next(5000):D4}");
        var roll = random.Next(100);
        object value = roll switch
        {
            < 60 => new { type = "hotel_search", user = new { id = user }, ts = nowMs, hotel = new { id = hotel, city = Cities[random.Next(Cities.Length)] } },
            < 70 => new { type = "booking", user = new { id = user }, ts = nowMs, hotel = new { id = hotel, city = Cities[random.Next(Cities.Length)] }, rooms = 1 + random.Next(3) },
            < 80 => new { type = "page_view", user = new { id = user }, ts = nowMs },
            _ => new { type = "page_view", user = new { id = user }, ts = nowMs, page = "/hotels/" + hotel },
        };
        return JsonSerializer.SerializeToUtf8Bytes(value);
    }
}
