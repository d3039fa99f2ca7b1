using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>
/// Checks every node's document of every click user against the <see cref="ClickLedger"/>: the
/// counters exact (no event lost, none applied twice, a record produced twice counted twice), the
/// list exactly the newest distinct hotels by event time, each field the newest event's value,
/// nothing else; and every node's digest identical.
/// </summary>
internal static class ClickChecker
{
    public static async Task<List<string>> CheckAsync(ClickStream stream, IReadOnlyList<Service> nodes)
    {
        // The digest part of the general checker: over all data, every scenario's users.
        var problems = await Checker.CheckAsync(new History(), [], nodes);
        foreach (var node in nodes)
        {
            try
            {
                foreach (var user in stream.Users)
                {
                    var document = await ReadAsync(node, user);
                    problems.AddRange(CheckUser(stream.Ledger.For(user), document).Select(p => $"{node.Alias} {user}: {p}"));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                problems.Add($"{node.Alias}: unreachable ({e.Message})");
            }
        }

        return problems;
    }

    private static async Task<JsonElement?> ReadAsync(Service node, string user)
    {
        using var response = await node.Http.GetAsync($"/v1/users/{user}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static IEnumerable<string> CheckUser(ClickLedger.Expected expected, JsonElement? document)
    {
        var fields = new Dictionary<string, string>();
        var lists = new Dictionary<string, List<string>>();
        var counters = new Dictionary<string, long>();
        if (document is { } doc)
        {
            foreach (var f in doc.GetProperty("fields").EnumerateObject())
            {
                fields[f.Name] = f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString()! : f.Value.GetRawText();
            }

            foreach (var l in doc.GetProperty("lists").EnumerateObject())
            {
                lists[l.Name] = [.. l.Value.EnumerateArray().Select(i => i.GetString()!)];
            }

            foreach (var c in doc.GetProperty("counters").EnumerateObject())
            {
                counters[c.Name] = c.Value.GetInt64();
            }
        }

        // Lost events show as a count too low (the word "lost" counts them in the results row),
        // events applied twice as one too high.
        foreach (var (counter, want) in new[] { (ClickRules.Searches, expected.Searches), (ClickRules.Rooms, expected.Rooms) })
        {
            var have = counters.GetValueOrDefault(counter);
            if (have < want)
            {
                yield return $"counter {counter} = {have}, expected exactly {want}: {want - have} lost";
            }
            else if (have > want)
            {
                yield return $"counter {counter} = {have}, expected exactly {want}: {have - want} applied twice";
            }
        }

        var recent = expected.Recent(ClickRules.RecentMax);
        var listed = lists.GetValueOrDefault(ClickRules.RecentList) ?? [];
        if (!listed.SequenceEqual(recent))
        {
            yield return $"list {ClickRules.RecentList} = [{string.Join(",", listed)}], expected the newest by event time [{string.Join(",", recent)}]";
        }

        foreach (var (field, want) in new[] { (ClickRules.LastCity, expected.LastCity), (ClickRules.LastBooking, expected.LastBooking) })
        {
            var have = fields.GetValueOrDefault(field);
            if (have != want)
            {
                yield return $"field {field} = {have ?? "(none)"}, expected the newest event's {want ?? "(none)"}";
            }
        }

        foreach (var name in fields.Keys.Where(f => f is not (ClickRules.LastCity or ClickRules.LastBooking))
            .Concat(lists.Keys.Where(l => l != ClickRules.RecentList))
            .Concat(counters.Keys.Where(c => c is not (ClickRules.Searches or ClickRules.Rooms))))
        {
            yield return $"{name} present, no rule writes it";
        }
    }
}
