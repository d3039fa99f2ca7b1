using System.Text.Json;

namespace Sidecar.Bench;

/// <summary>An expression library as the ingest rules would use it: compile a rule's text once, evaluate it per event.</summary>
internal abstract class ExpressionCandidate
{
    public abstract string Name { get; }

    /// <summary>Compiles <paramref name="expression"/> (the candidate's own syntax of it) for evaluation against events.</summary>
    public abstract CompiledExpression Compile(ExpressionCase expression);

    /// <summary>Compiles an arbitrary text (throws when the candidate refuses it) into an evaluation against <paramref name="root"/>: the safety probes' entry.</summary>
    public abstract Func<object?> Prepare(string text, JsonElement root);

    /// <summary>The candidates measured, in the order the table lists them.</summary>
    public static IReadOnlyList<ExpressionCandidate> All { get; } =
    [
        new NCalcCandidate(),
        new DynamicExpressoCandidate(),
        new JintCandidate(constrained: false),
        new JintCandidate(constrained: true),
    ];
}

/// <summary>One compiled expression; its parameters are set from each event before it runs. One thread at a time.</summary>
internal abstract class CompiledExpression
{
    /// <summary>Evaluates a condition.</summary>
    public abstract bool IsTrue(JsonElement root);

    /// <summary>Evaluates a value expression whose result is text.</summary>
    public abstract string Text(JsonElement root);
}
