using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Sidecar.Store.State;

namespace Sidecar.Store.Snapshots;

/// <summary>
/// Turns one JSON line <c>{"userId","fields":{},"lists":{},"counters":{}}</c> into the node's stored
/// state. Snapshot entries carry the lowest stamps (origin "snapshot", HLC 0 for fields, 1..n for
/// list items), so every streamed update applied on top of the snapshot wins over it; counters
/// are one shard of origin "snapshot", which streamed increments never touch.
/// </summary>
public static class UserDocument
{
    public const string SnapshotOrigin = "snapshot";

    public static (string UserId, UserState State) Parse(ReadOnlySpan<byte> line, string versionId, int listCap)
    {
        using var json = JsonDocument.Parse(line.ToArray());
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a line must be a JSON object");
        }

        var userId = root.TryGetProperty("userId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
        if (userId.Length == 0 || Encoding.UTF8.GetByteCount(userId) > 1024 || userId.Any(char.IsControl))
        {
            throw new FormatException("\"userId\" must be a non-empty string of at most 1024 bytes without control characters");
        }

        var stamp = new Stamp { Hlc = 0, Origin = SnapshotOrigin, Id = versionId };
        var state = new UserState();
        foreach (var field in Members(root, "fields").OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            state.Fields.Add(new FieldEntry { Name = CheckName(field.Name), Stamp = stamp, JsonValue = ByteString.CopyFromUtf8(field.Value.GetRawText()) });
        }

        foreach (var list in Members(root, "lists").OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            state.Lists.Add(List(CheckName(list.Name), list.Value, versionId, listCap));
        }

        foreach (var counter in Members(root, "counters").OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (counter.Value.ValueKind != JsonValueKind.Number || !counter.Value.TryGetInt64(out var value))
            {
                throw new FormatException($"counter \"{counter.Name}\" must be a 64-bit integer");
            }

            var entry = new CounterEntry { Name = CheckName(counter.Name) };
            // Offset 1 above base 0: the shard counts (see UserView.Value).
            entry.Shards.Add(new CounterShard { Origin = SnapshotOrigin, Partition = 0, Offset = 1, Value = value });
            state.Counters.Add(entry);
        }

        return (userId, state);
    }

    private static ListEntry List(string name, JsonElement items, string versionId, int listCap)
    {
        if (items.ValueKind != JsonValueKind.Array || items.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            throw new FormatException($"list \"{name}\" must be an array of strings");
        }

        var distinct = items.EnumerateArray().Select(i => i.GetString()!).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > listCap)
        {
            throw new FormatException($"list \"{name}\" has {distinct.Count} items, more than the list cap {listCap}");
        }

        var entry = new ListEntry { Name = name, MaxStamp = new Stamp { Hlc = 0, Origin = SnapshotOrigin, Id = versionId }, Max = (uint)Math.Max(1, distinct.Count) };
        // Newest first: the first item gets the highest stamp.
        for (var i = 0; i < distinct.Count; i++)
        {
            entry.Items.Add(new ListItem { Item = distinct[i], Stamp = new Stamp { Hlc = (ulong)(distinct.Count - i), Origin = SnapshotOrigin, Id = versionId } });
        }

        return entry;
    }

    private static IEnumerable<JsonProperty> Members(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (member.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"\"{name}\" must be an object");
        }

        var members = member.EnumerateObject().ToList();
        return members.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() == members.Count
            ? members
            : throw new FormatException($"\"{name}\" names a member twice");
    }

    private static string CheckName(string name) =>
        name.Length is > 0 and <= 128 && !name.Any(char.IsControl) ? name : throw new FormatException($"name \"{name}\" must be 1-128 characters without control characters");
}
