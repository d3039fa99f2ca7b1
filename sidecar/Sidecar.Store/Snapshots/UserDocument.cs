using System.Text.Json;
using Google.Protobuf;
using Sidecar.Store.Model;
using Sidecar.Store.State;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// Turns one JSON line <c>{"userId","fields":{},"lists":{},"counters":{}}</c> into the node's stored
/// state. Snapshot entries carry the lowest stamps (origin "snapshot", HLC 0 for fields, 1..n for
/// list items), so every streamed update applied on top of the snapshot wins over it; counters
/// are one shard of origin "snapshot", which streamed increments never touch.
/// </summary>
/// <remarks>
/// The user id and every name follow the data model's rules (<see cref="UserIdRule"/>,
/// <see cref="NameRule"/>) with the nodes' limits, the same the API and ingest apply: a snapshot
/// holds no user that GET refuses and no field that POST cannot update.
/// </remarks>
public static class UserDocument
{
    public const string SnapshotOrigin = "snapshot";

    /// <summary>
    /// The line's user and state, or null with every reason the line is refused added to
    /// <paramref name="problems"/> (a line that is not a JSON object stops at that; otherwise each
    /// bad id, name, counter and list is listed).
    /// </summary>
    public static (string UserId, UserState State)? Parse(ReadOnlySpan<byte> line, string versionId, int listCap, ModelLimits limits, ICollection<string> problems)
    {
        var before = problems.Count;
        try
        {
            using var json = JsonDocument.Parse(line.ToArray());
            var result = Parse(json.RootElement, versionId, listCap, limits, problems);
            return problems.Count == before ? result : null;
        }
        catch (JsonException e)
        {
            problems.Add(e.Message);
            return null;
        }
    }

    private static (string UserId, UserState State) Parse(JsonElement root, string versionId, int listCap, ModelLimits limits, ICollection<string> problems)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add("a line must be a JSON object");
            return ("", new UserState());
        }

        var userId = "";
        if (!root.TryGetProperty("userId", out var id) || id.ValueKind != JsonValueKind.String)
        {
            problems.Add("\"userId\" must be a string");
        }
        else if (UserIdRule.Check(userId = id.GetString()!, limits) is { } badId)
        {
            problems.Add(badId);
        }

        var stamp = new Stamp { Hlc = 0, Origin = SnapshotOrigin, Id = versionId };
        var state = new UserState();
        foreach (var field in Members(root, "fields", problems).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (Named("field", field.Name, limits, problems))
            {
                state.Fields.Add(new FieldEntry { Name = field.Name, Stamp = stamp, JsonValue = ByteString.CopyFromUtf8(field.Value.GetRawText()) });
            }
        }

        foreach (var list in Members(root, "lists", problems).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (Named("list", list.Name, limits, problems) && List(list.Name, list.Value, versionId, listCap, problems) is { } entry)
            {
                state.Lists.Add(entry);
            }
        }

        foreach (var counter in Members(root, "counters", problems).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var named = Named("counter", counter.Name, limits, problems);
            if (counter.Value.ValueKind != JsonValueKind.Number || !counter.Value.TryGetInt64(out var value))
            {
                problems.Add($"counter \"{counter.Name}\" must be a 64-bit integer");
            }
            else if (named)
            {
                var entry = new CounterEntry { Name = counter.Name };
                // Offset 1 above base 0: the shard counts (see UserView.Value).
                entry.Shards.Add(new CounterShard { Origin = SnapshotOrigin, Partition = 0, Offset = 1, Value = value });
                state.Counters.Add(entry);
            }
        }

        return (userId, state);
    }

    private static ListEntry? List(string name, JsonElement items, string versionId, int listCap, ICollection<string> problems)
    {
        if (items.ValueKind != JsonValueKind.Array || items.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            problems.Add($"list \"{name}\" must be an array of strings");
            return null;
        }

        var distinct = items.EnumerateArray().Select(i => i.GetString()!).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > listCap)
        {
            problems.Add($"list \"{name}\" has {distinct.Count} items, more than the list cap {listCap}");
            return null;
        }

        var entry = new ListEntry { Name = name, MaxStamp = new Stamp { Hlc = 0, Origin = SnapshotOrigin, Id = versionId }, Max = (uint)Math.Max(1, distinct.Count) };
        // Newest first: the first item gets the highest stamp.
        for (var i = 0; i < distinct.Count; i++)
        {
            entry.Items.Add(new ListItem { Item = distinct[i], Stamp = new Stamp { Hlc = (ulong)(distinct.Count - i), Origin = SnapshotOrigin, Id = versionId } });
        }

        return entry;
    }

    private static IEnumerable<JsonProperty> Members(JsonElement root, string name, ICollection<string> problems)
    {
        if (!root.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (member.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"\"{name}\" must be an object");
            return [];
        }

        var members = member.EnumerateObject().ToList();
        if (members.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != members.Count)
        {
            problems.Add($"\"{name}\" names a member twice");
            return [];
        }

        return members;
    }

    private static bool Named(string kind, string name, ModelLimits limits, ICollection<string> problems)
    {
        if (NameRule.Check(kind, name, limits) is { } bad)
        {
            problems.Add(bad);
            return false;
        }

        return true;
    }
}
