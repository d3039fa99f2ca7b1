using System.Text.Json;
using Google.Protobuf;
using Sidecar.Common.Envelope;

namespace Sidecar.Node.Model;

/// <summary>
/// Parses the body of <c>POST /v1/users/{id}/updates</c>:
/// <c>{"ops":[{"op":"set","field":"city","value":"Goa"}, {"op":"push","list":"recent","item":"h-42","max":20},
/// {"op":"incr","counter":"views","by":1}, {"op":"del","field":"tmp"}]}</c>.
/// Every op is checked before any is accepted, so a request is applied whole or not at all.
/// </summary>
internal sealed class UpdateRequestParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
    private readonly EnvelopeRules _rules;

    public UpdateRequestParser(EnvelopeRules rules) => _rules = rules;

    /// <summary>Returns the ops, or the reason the body is not a valid request.</summary>
    public (List<Op>? Ops, string? Error) Parse(ReadOnlyMemory<byte> body, uint defaultMax)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return (null, "body is not valid JSON: " + e.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ops", out var ops) || ops.ValueKind != JsonValueKind.Array)
            {
                return (null, "body must be an object with an \"ops\" array");
            }

            var result = new List<Op>(ops.GetArrayLength());
            var index = 0;
            foreach (var element in ops.EnumerateArray())
            {
                var (op, error) = ParseOp(element, defaultMax);
                if (error is not null)
                {
                    return (null, $"ops[{index}]: {error}");
                }

                result.Add(op!);
                index++;
            }

            return (result, null);
        }
    }

    private (Op? Op, string? Error) ParseOp(JsonElement element, uint defaultMax)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, "an op must be an object");
        }

        var kind = String(element, "op");
        switch (kind)
        {
            case "set":
                if (!element.TryGetProperty("value", out var value))
                {
                    return (null, "set needs a \"value\"");
                }

                return Checked(new Op { Set = new SetField { Field = String(element, "field") ?? "", JsonValue = ByteString.CopyFromUtf8(value.GetRawText()) } });
            case "del":
                return Checked(new Op { Del = new DeleteField { Field = String(element, "field") ?? "" } });
            case "push":
                if (String(element, "item") is not { } item)
                {
                    return (null, "push needs a string \"item\"");
                }

                if (!TryUInt(element, "max", defaultMax, out var max))
                {
                    return (null, "\"max\" must be a positive integer");
                }

                return Checked(new Op { Push = new PushItem { List = String(element, "list") ?? "", Item = item, Max = max } });
            case "incr":
                if (!TryLong(element, "by", 1, out var by))
                {
                    return (null, "\"by\" must be an integer");
                }

                return Checked(new Op { Incr = new IncrementCounter { Counter = String(element, "counter") ?? "", By = by } });
            case null:
                return (null, "missing \"op\"");
            default:
                return (null, $"unknown op \"{kind}\" (known: set, del, push, incr)");
        }
    }

    private (Op? Op, string? Error) Checked(Op op) =>
        _rules.CheckContent(op) is { } error ? (null, error) : (op, null);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryUInt(JsonElement element, string name, uint fallback, out uint result)
    {
        result = fallback;
        return !element.TryGetProperty(name, out var value) || (value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out result) && result > 0);
    }

    private static bool TryLong(JsonElement element, string name, long fallback, out long result)
    {
        result = fallback;
        return !element.TryGetProperty(name, out var value) || (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out result));
    }
}
