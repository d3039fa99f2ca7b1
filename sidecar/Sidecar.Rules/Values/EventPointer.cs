using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sidecar.Rules.Values;

/// <summary>
/// A JSON Pointer (RFC 6901) into an event: <c>/hotel/id</c>, <c>/items/0/sku</c>, with <c>~1</c>
/// for '/' and <c>~0</c> for '~' inside a name. Parsed once when the rules are read, so reading a
/// value from an event is a walk over pre-split segments, with no allocation.
/// </summary>
/// <remarks>Ours, not a library's: the whole of RFC 6901's evaluation on <see cref="JsonElement"/>
/// is this file, and it keeps the rules library to one dependency that matters (the expressions).</remarks>
internal sealed class EventPointer
{
    private readonly string[] _segments;
    private readonly int[] _indexes;

    private EventPointer(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
        _indexes = segments.Select(s => IsArrayIndex(s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToArray();
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; null with <paramref name="problem"/> when it is not a pointer.</summary>
    public static EventPointer? Parse(string text, out string? problem)
    {
        problem = null;
        if (text.Length == 0)
        {
            problem = "'' (the whole event) is not a value a rule can use; a pointer starts with '/', e.g. /user/id";
            return null;
        }

        if (text[0] != '/')
        {
            problem = $"'{text}' is not a JSON Pointer: it must start with '/', e.g. /user/id";
            return null;
        }

        var parts = text[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var raw = parts[i];
            var segment = new StringBuilder(raw.Length);
            for (var c = 0; c < raw.Length; c++)
            {
                if (raw[c] != '~')
                {
                    segment.Append(raw[c]);
                }
                else if (c + 1 < raw.Length && raw[c + 1] is '0' or '1')
                {
                    segment.Append(raw[++c] == '0' ? '~' : '/');
                }
                else
                {
                    problem = $"'{text}' is not a JSON Pointer: '~' must be followed by 0 or 1 (RFC 6901)";
                    return null;
                }
            }

            parts[i] = segment.ToString();
        }

        return new EventPointer(text, parts);
    }

    /// <summary>The value at this pointer in <paramref name="root"/>, or false when there is none.</summary>
    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = root;
        for (var i = 0; i < _segments.Length; i++)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!value.TryGetProperty(_segments[i], out value))
                    {
                        return false;
                    }

                    break;
                case JsonValueKind.Array:
                    var index = _indexes[i];
                    if (index < 0 || index >= value.GetArrayLength())
                    {
                        return false;
                    }

                    value = value[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    // RFC 6901: "0" or digits without a leading zero.
    private static bool IsArrayIndex(string s) =>
        s.Length > 0 && s.Length <= 9 && s.All(char.IsAsciiDigit) && (s.Length == 1 || s[0] != '0');
}
