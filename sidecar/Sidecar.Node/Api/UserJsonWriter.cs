using System.Buffers;
using System.Text.Json;
using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Api;

/// <summary>
/// Writes what a reader sees of a user straight to the response:
/// <c>{"userId","fields":{},"lists":{},"counters":{},"version"}</c>.
/// </summary>
internal static class UserJsonWriter
{
    public static byte[] Render(string userId, UserState state, string version)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, userId, state, version);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter json, string userId, UserState state, string version)
    {
        json.WriteStartObject();
        json.WriteString("userId", userId);
        json.WriteStartObject("fields");
        foreach (var field in state.Fields)
        {
            if (!field.Tombstone)
            {
                json.WritePropertyName(field.Name);
                json.WriteRawValue(field.JsonValue.Span, skipInputValidation: true);
            }
        }

        json.WriteEndObject();
        json.WriteStartObject("lists");
        foreach (var list in state.Lists)
        {
            json.WriteStartArray(list.Name);
            var visible = UserView.VisibleCount(list);
            for (var i = 0; i < visible; i++)
            {
                json.WriteStringValue(list.Items[i].Item);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteStartObject("counters");
        foreach (var counter in state.Counters)
        {
            if (UserView.IsLive(counter))
            {
                json.WriteNumber(counter.Name, UserView.Value(counter));
            }
        }

        json.WriteEndObject();
        json.WriteString("version", version);
        json.WriteEndObject();
    }
}
