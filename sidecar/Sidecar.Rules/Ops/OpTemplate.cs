using System.Text.Json;
using Google.Protobuf;
using Sidecar.Common.Envelope;
using Sidecar.Rules.Values;

namespace Sidecar.Rules.Ops;

/// <summary>
/// One op of a rule, with its names fixed in the file and its values read from each event. An
/// <c>optional</c> op whose value is missing from an event is left out; any other missing value
/// fails the event (dead letter).
/// </summary>
internal abstract class OpTemplate(bool optional)
{
    public bool Optional { get; } = optional;

    /// <summary>The op's kind and name as the file wrote them, e.g. <c>push recent</c>.</summary>
    public abstract string Describe();

    /// <summary>The op for this event (no stamp yet), or null when optional and its value is missing.</summary>
    public abstract Op? Build(JsonElement root);

    protected bool Resolve(ValueSource source, JsonElement root, string what, out RuleValue value)
    {
        if (source.TryResolve(root, out value))
        {
            return true;
        }

        return Optional ? false : throw new MappingException($"{what}: {source.Describe()} is not in the event");
    }
}

internal sealed class SetTemplate(string field, ValueSource value, bool optional) : OpTemplate(optional)
{
    public override string Describe() => $"set {field} = {value.Describe()}";

    public override Op? Build(JsonElement root) =>
        Resolve(value, root, $"set {field}", out var v)
            ? new Op { Set = new SetField { Field = field, JsonValue = UnsafeByteOperations.UnsafeWrap(v.ToJson($"set {field}")) } }
            : null;
}

internal sealed class DeleteTemplate(string field) : OpTemplate(optional: false)
{
    public override string Describe() => $"del {field}";

    public override Op? Build(JsonElement root) => new() { Del = new DeleteField { Field = field } };
}

internal sealed class PushTemplate(string list, ValueSource item, uint max, bool optional) : OpTemplate(optional)
{
    public override string Describe() => $"push {list} <- {item.Describe()} (max {max})";

    public override Op? Build(JsonElement root) =>
        Resolve(item, root, $"push {list}", out var v)
            ? new Op { Push = new PushItem { List = list, Item = v.ToText($"push {list}"), Max = max } }
            : null;
}

internal sealed class IncrementTemplate(string counter, ValueSource? by, bool optional) : OpTemplate(optional)
{
    public override string Describe() => $"incr {counter} by {by?.Describe() ?? "1"}";

    public override Op? Build(JsonElement root)
    {
        if (by is null)
        {
            return new Op { Incr = new IncrementCounter { Counter = counter, By = 1 } };
        }

        return Resolve(by, root, $"incr {counter}", out var v)
            ? new Op { Incr = new IncrementCounter { Counter = counter, By = v.ToInt64($"incr {counter}") } }
            : null;
    }
}
