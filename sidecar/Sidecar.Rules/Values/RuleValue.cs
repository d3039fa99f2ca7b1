using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Sidecar.Rules.Values;

/// <summary>
/// What a value source gave: an element of the event (pointer, constant) or what an expression
/// returned. Converted to what an op needs: text (user ids, list items), JSON (field values) or a
/// whole number (increments); anything else fails the event with a reason that says what it got.
/// </summary>
internal readonly struct RuleValue
{
    private readonly JsonElement _element;
    private readonly object? _result;
    private readonly bool _isElement;

    private RuleValue(JsonElement element)
    {
        _element = element;
        _isElement = true;
        _result = null;
    }

    private RuleValue(object? result)
    {
        _element = default;
        _isElement = false;
        _result = result;
    }

    public static RuleValue Of(JsonElement element) => new(element);

    public static RuleValue OfResult(object? result) => new(result);

    /// <summary>An event's value as an expression parameter: strings, whole numbers as long,
    /// others as double, booleans, null; objects and arrays as their JSON text.</summary>
    public static object? ToClr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var l) ? l : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    /// <summary>Text for an id or a list item: strings as they are, numbers and booleans as written.</summary>
    public string ToText(string what)
    {
        if (_isElement)
        {
            return _element.ValueKind switch
            {
                JsonValueKind.String => _element.GetString()!,
                JsonValueKind.Number => _element.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                var kind => throw new MappingException($"{what} is {Describe(kind)}, not a string or a number"),
            };
        }

        return _result switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f and not char => f.ToString(null, CultureInfo.InvariantCulture),
            null => throw new MappingException($"{what} is null, not a string or a number"),
            var other => throw new MappingException($"{what} is a {other.GetType().Name}, not a string or a number"),
        };
    }

    /// <summary>UTF-8 JSON for a field's value: an element's own bytes, an expression's result encoded.</summary>
    public byte[] ToJson(string what)
    {
        if (_isElement)
        {
            return _element.ValueKind is JsonValueKind.Undefined
                ? throw new MappingException($"{what} has no value")
                : JsonMarshal.GetRawUtf8Value(_element).ToArray();
        }

        return _result switch
        {
            null => "null"u8.ToArray(),
            string s => JsonSerializer.SerializeToUtf8Bytes(s),
            bool b => b ? "true"u8.ToArray() : "false"u8.ToArray(),
            double d when !double.IsFinite(d) => throw new MappingException($"{what} is {d.ToString(CultureInfo.InvariantCulture)}, which JSON cannot hold"),
            float f when !float.IsFinite(f) => throw new MappingException($"{what} is {f.ToString(CultureInfo.InvariantCulture)}, which JSON cannot hold"),
            IFormattable n and not char and not DateTime and not DateTimeOffset => Encoding.UTF8.GetBytes(n.ToString(null, CultureInfo.InvariantCulture)),
            var other => throw new MappingException($"{what} is a {other.GetType().Name}, which is not a JSON value"),
        };
    }

    /// <summary>A whole number for an increment.</summary>
    public long ToInt64(string what)
    {
        if (_isElement)
        {
            return _element.ValueKind == JsonValueKind.Number && _element.TryGetInt64(out var l)
                ? l
                : throw new MappingException($"{what} is {Describe(_element.ValueKind)}{(_element.ValueKind == JsonValueKind.Number ? " " + _element.GetRawText() : "")}, not a whole number");
        }

        return _result switch
        {
            long l => l,
            int i => i,
            short s => s,
            byte b => b,
            decimal m when decimal.Truncate(m) == m && m is >= long.MinValue and <= long.MaxValue => (long)m,
            double d when Math.Truncate(d) == d && d is >= -9.2e18 and <= 9.2e18 => (long)d,
            null => throw new MappingException($"{what} is null, not a whole number"),
            var other => throw new MappingException($"{what} is {Convert.ToString(other, CultureInfo.InvariantCulture)}, not a whole number"),
        };
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "missing",
    };
}
