using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>
/// Checks what every node serves against the history, by the merge rules: no acknowledged write
/// lost, nothing refused present, counters exact (every increment acknowledged, some after
/// retries with the same key, counted once; none left of unknown outcome),
/// every field and list item one that was written, deletes honoured, the contended field held by
/// a write no acknowledged later write supersedes, list items newest first; and every node's
/// digest identical, and every node's live version in the dataset's key layout (the named one's
/// grouped by partition: <see cref="Deployment.NamedDataset"/>). One dataset at a time: its
/// documents and its digest.
/// </summary>
internal static class Checker
{
    // Two stamps from the same host clock are ordered as their operations were when one ended
    // this long before the other started.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    /// <summary>Every violation on every node; empty when all holds.</summary>
    public static async Task<List<string>> CheckAsync(History history, IReadOnlyList<string> users, IReadOnlyList<Service> nodes, string dataset = Clients.DefaultDataset)
    {
        var label = dataset == Clients.DefaultDataset ? "" : $" [{dataset}]";
        var problems = new List<string>();
        var byUser = history.Operations.GroupBy(o => o.User).ToDictionary(g => g.Key, g => g.ToList());
        var digests = new Dictionary<string, string>();
        var layout = dataset == Deployment.NamedDataset ? $"murmur2/{Deployment.Partitions}" : "flat";
        foreach (var node in nodes)
        {
            try
            {
                var digest = await node.Http.GetFromJsonAsync<JsonElement>($"/admin/digest?dataset={dataset}");
                digests[node.Alias] = digest.GetProperty("digest").GetString()!;
                if (digest.GetProperty("layout").GetString() is var served && served != layout)
                {
                    problems.Add($"{node.Alias}{label}: key layout {served}, not {layout}");
                }

                foreach (var user in users)
                {
                    var document = await ReadAsync(node, Clients.UserPath(dataset, user));
                    problems.AddRange(CheckUser(byUser.GetValueOrDefault(user) ?? [], document).Select(p => $"{node.Alias}{label} {user}: {p}"));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                problems.Add($"{node.Alias}: unreachable ({e.Message})");
            }
        }

        if (digests.Values.Distinct().Count() > 1)
        {
            problems.Add($"digests{label} differ: " + string.Join(", ", digests.Select(d => $"{d.Key}={d.Value[..Math.Min(12, d.Value.Length)]}")));
        }

        return problems;
    }

    private static async Task<JsonElement?> ReadAsync(Service node, string path)
    {
        using var response = await node.Http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static IEnumerable<string> CheckUser(List<Operation> ops, JsonElement? document)
    {
        var fields = new Dictionary<string, string>();
        var items = new List<string>();
        long counter = 0;
        if (document is { } doc)
        {
            foreach (var f in doc.GetProperty("fields").EnumerateObject())
            {
                fields[f.Name] = f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString()! : f.Value.GetRawText();
            }

            if (doc.GetProperty("lists").TryGetProperty(Clients.List, out var list))
            {
                items.AddRange(list.EnumerateArray().Select(i => i.GetString()!));
            }

            if (doc.GetProperty("counters").TryGetProperty(Clients.Counter, out var c))
            {
                counter = c.GetInt64();
            }
        }

        // Counter: exactly the acknowledged increments, each once however often it was sent. The
        // writers retry an increment of unknown outcome with its key until it is answered, so
        // none may be left unknown: there is no slack.
        var increments = ops.Where(o => o.Kind == OpKind.Increment).ToList();
        var acked = increments.Count(o => o.Outcome == Outcome.Ok);
        var retried = increments.Count(o => o.Outcome == Outcome.Ok && o.Attempts > 1);
        if (increments.Count(o => o.Outcome == Outcome.Unknown) is > 0 and var unknown)
        {
            yield return $"counter {Clients.Counter}: {unknown} increments still of unknown outcome after retrying for the whole retry budget";
        }

        if (counter != acked)
        {
            yield return $"counter {Clients.Counter} = {counter}, expected exactly {acked} ({retried} of them acknowledged after retries)";
        }

        // Own fields: written once each, deleted at most once by their writer.
        var sets = ops.Where(o => o.Kind == OpKind.Set).ToDictionary(o => o.Name);
        var deletes = ops.Where(o => o.Kind == OpKind.Delete).ToDictionary(o => o.Name);
        foreach (var (field, set) in sets)
        {
            var present = fields.TryGetValue(field, out var value);
            var deleted = deletes.TryGetValue(field, out var delete) ? delete.Outcome : (Outcome?)null;
            if (present && value != set.Value)
            {
                yield return $"field {field} = {value}, written {set.Value}";
            }
            else if (present && (set.Outcome == Outcome.Failed || deleted == Outcome.Ok))
            {
                yield return $"field {field} present, but {(set.Outcome == Outcome.Failed ? "its write was refused" : "its delete was acknowledged")}";
            }
            else if (!present && set.Outcome == Outcome.Ok && deleted is null or Outcome.Failed)
            {
                yield return $"field {field}: acknowledged write lost";
            }
        }

        foreach (var field in fields.Keys.Where(f => f != Clients.SharedField && !sets.ContainsKey(f)))
        {
            yield return $"field {field} present, never written";
        }

        // The contended field: the winner is a write that no acknowledged write started after it ended.
        var shared = ops.Where(o => o.Kind == OpKind.SetShared && o.Outcome != Outcome.Failed).ToList();
        var sharedAcked = shared.Where(o => o.Outcome == Outcome.Ok).ToList();
        if (fields.TryGetValue(Clients.SharedField, out var winner))
        {
            var write = shared.FirstOrDefault(o => o.Value == winner);
            if (write is null)
            {
                yield return $"field {Clients.SharedField} = {winner}, never written";
            }
            else if (sharedAcked.FirstOrDefault(o => o.Start > write.End + Slack) is { } later)
            {
                yield return $"field {Clients.SharedField} = {winner}, but {later.Value} was acknowledged after it (last writer must win)";
            }
        }
        else if (sharedAcked.Count > 0)
        {
            yield return $"field {Clients.SharedField}: {sharedAcked.Count} acknowledged writes lost";
        }

        // The list: acknowledged pushes all there, nothing else but unknown ones, newest first.
        var pushes = ops.Where(o => o.Kind == OpKind.Push).ToDictionary(o => o.Value);
        foreach (var push in pushes.Values.Where(p => p.Outcome == Outcome.Ok && !items.Contains(p.Value)))
        {
            yield return $"list {Clients.List}: acknowledged item {push.Value} lost";
        }

        foreach (var item in items.Where(i => !pushes.TryGetValue(i, out var p) || p.Outcome == Outcome.Failed))
        {
            yield return $"list {Clients.List}: item {item} never acknowledged or refused";
        }

        if (items.Distinct().Count() != items.Count)
        {
            yield return $"list {Clients.List}: duplicate items";
        }

        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (pushes.TryGetValue(items[i], out var newer) && pushes.TryGetValue(items[j], out var older) && newer.End + Slack < older.Start)
                {
                    yield return $"list {Clients.List}: {items[i]} listed before {items[j]}, which was pushed after it";
                }
            }
        }
    }
}
