using System.Text.Json;

namespace Sidecar.Rules.Values;

/// <summary>
/// Where an op's value comes from: a JSON Pointer into the event, an expression, or a constant
/// written in the rules file.
/// </summary>
internal abstract class ValueSource
{
    /// <summary>How the file wrote it, for status and <c>rules check</c>.</summary>
    public abstract string Describe();

    /// <summary>The value for <paramref name="root"/>; false when a pointer finds nothing there.</summary>
    public abstract bool TryResolve(JsonElement root, out RuleValue value);
}

internal sealed class PointerSource(EventPointer pointer) : ValueSource
{
    public EventPointer Pointer { get; } = pointer;

    public override string Describe() => Pointer.Text;

    public override bool TryResolve(JsonElement root, out RuleValue value)
    {
        var found = Pointer.TryResolve(root, out var element);
        value = RuleValue.Of(element);
        return found;
    }
}

internal sealed class ExpressionSource(RuleExpression expression) : ValueSource
{
    public override string Describe() => "{expr: " + expression.Text + "}";

    public override bool TryResolve(JsonElement root, out RuleValue value)
    {
        value = RuleValue.OfResult(expression.Evaluate(root));
        return true;
    }
}

internal sealed class ConstSource(JsonElement constant) : ValueSource
{
    // A clone: it outlives the document of the rules file it was read from.
    private readonly JsonElement _constant = constant.Clone();

    public override string Describe() => "{const: " + _constant.GetRawText() + "}";

    public override bool TryResolve(JsonElement root, out RuleValue value)
    {
        value = RuleValue.Of(_constant);
        return true;
    }
}
