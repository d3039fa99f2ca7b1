using System.Net;
using System.Text.Json;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration.Rules;

/// <summary>
/// Compares what nodes show (<c>GET /v1/users/{id}</c>) with what the <see cref="ClickModel"/>
/// says, exactly, and waits (bounded) until every node agrees; a timeout names the first user that
/// differs, the document seen and the node's log tail.
/// </summary>
internal static class UserDocuments
{
    public static async Task WaitExactAsync(ClickModel model, IEnumerable<NodeProcess> nodes, TimeSpan timeout)
    {
        foreach (var node in nodes)
        {
            string? mismatch = null;
            try
            {
                await node.WaitAsync("every user's document exact", async () => (mismatch = await FirstMismatchAsync(model, node)) is null, timeout);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{node.Process.Name}: {mismatch}\n{e.Message}", e);
            }
        }
    }

    /// <summary>Null when every user's document is as the model says, else what differs.</summary>
    public static async Task<string?> FirstMismatchAsync(ClickModel model, NodeProcess node)
    {
        foreach (var user in model.Users)
        {
            var expected = model.Of(user);
            using var response = await node.Http.GetAsync($"/v1/users/{user}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return $"{user}: no document yet";
            }

            var text = await response.Content.ReadAsStringAsync();
            var doc = JsonDocument.Parse(text).RootElement;
            var problem = Compare(expected, doc);
            if (problem is not null)
            {
                return $"{user}: {problem}; document {text}";
            }
        }

        return null;
    }

    private static string? Compare(ClickModel.Expected expected, JsonElement doc)
    {
        var searches = Counter(doc, "searches");
        if (searches != expected.Searches)
        {
            return $"searches {searches}, expected {expected.Searches}";
        }

        var bookings = Counter(doc, "bookings");
        if (bookings != expected.Bookings)
        {
            return $"bookings {bookings}, expected {expected.Bookings}";
        }

        var recent = doc.TryGetProperty("lists", out var lists) && lists.TryGetProperty("recent", out var list)
            ? list.EnumerateArray().Select(e => e.GetString()!).ToList()
            : [];
        if (!recent.SequenceEqual(expected.RecentNewestFirst))
        {
            return $"recent [{string.Join(",", recent)}], expected [{string.Join(",", expected.RecentNewestFirst)}]";
        }

        if (Field(doc, "lastCity") != expected.LastCity)
        {
            return $"lastCity {Field(doc, "lastCity")}, expected {expected.LastCity}";
        }

        return Field(doc, "lastBooking") != expected.LastBooking ? $"lastBooking {Field(doc, "lastBooking")}, expected {expected.LastBooking}" : null;
    }

    public static long Counter(JsonElement doc, string name) =>
        doc.TryGetProperty("counters", out var counters) && counters.TryGetProperty(name, out var value) ? value.GetInt64() : 0;

    public static string? Field(JsonElement doc, string name) =>
        doc.TryGetProperty("fields", out var fields) && fields.TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>Waits until all nodes show one state digest, unchanged for a moment; returns it.</summary>
    public static async Task<string> WaitSameDigestAsync(IReadOnlyList<NodeProcess> nodes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string[] digests = [];
        string? stable = null;
        var stableSince = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline)
        {
            digests = await Task.WhenAll(nodes.Select(n => n.DigestAsync()));
            if (digests.Distinct().Count() == 1)
            {
                if (digests[0] != stable)
                {
                    (stable, stableSince) = (digests[0], DateTime.UtcNow);
                }
                else if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(1))
                {
                    return stable;
                }
            }
            else
            {
                stable = null;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("digests differ: " + string.Join(", ", nodes.Zip(digests, (n, d) => $"{n.Process.Name}={d}")));
    }
}
