using System.Buffers;
using System.Text.Json;
using Sidecar.Node.Merge;
using Sidecar.Store.State;

namespace Sidecar.Node.Model;

/// <summary>
/// Writes what a reader sees of a user straight to the response:
/// <c>{"userId","fields":{},"lists":{},"counters":{},"version"}</c>. The one canonical rendering of
/// a user: GET serves it and ingest renders it again for the read cache, so both are the same bytes.
/// </summary>
internal static class UserJsonWriter
{
    // One buffer and writer per thread, reused: a fresh 1 KB buffer per rendering grew (copying)
    // for every 1 KB document, and with every streamed update of a cached user rendered again,
    // those buffers were a large share of what the collector had to clear and collect.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    /// <summary>A buffer that grew past this is not kept for the thread's next rendering.</summary>
    private const int KeepBufferUpTo = 64 * 1024;

    public static byte[] Render(string userId, UserState state, string version)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        var json = t_json ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        try
        {
            Write(json, userId, state, version);
            json.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > KeepBufferUpTo)
            {
                (t_buffer, t_json) = (null, null);
            }
        }
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
                json.WriteNumber(counter.Name, UserView.Value(state, counter));
            }
        }

        json.WriteEndObject();
        json.WriteString("version", version);
        json.WriteEndObject();
    }
}
