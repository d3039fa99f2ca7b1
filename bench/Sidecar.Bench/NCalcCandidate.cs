using System.Text.Json;
using Sidecar.Rules.Values;

namespace Sidecar.Bench;

/// <summary>
/// NCalc exactly as the rules run it: <see cref="RuleExpression"/> itself (NoCache | StringConcat,
/// [/pointer] parameters resolved from the event and set in the Parameters dictionary per call).
/// </summary>
internal sealed class NCalcCandidate : ExpressionCandidate
{
    public override string Name => "NCalcSync 7.4.0 (RuleExpression)";

    public override CompiledExpression Compile(ExpressionCase expression) => new Compiled(CompileText(expression.NCalc));

    public override Func<object?> Prepare(string text, JsonElement root)
    {
        var expression = CompileText(text);
        return () => expression.Evaluate(root);
    }

    /// <summary>The library without RuleExpression's checks (length cap, pointers, known functions): what those checks add.</summary>
    public static Func<object?> PrepareRaw(string text)
    {
        var expression = new NCalc.Expression(text, System.Globalization.CultureInfo.InvariantCulture) { Options = NCalc.ExpressionOptions.NoCache | NCalc.ExpressionOptions.StringConcat };
        return expression.HasErrors() ? throw new InvalidOperationException("NCalc: " + expression.Error?.Message) : () => expression.Evaluate();
    }

    private static RuleExpression CompileText(string text)
    {
        var problems = new List<string>();
        return RuleExpression.Compile(text, "RuleExpression", problems)
            ?? throw new InvalidOperationException(string.Join("; ", problems));
    }

    private sealed class Compiled(RuleExpression expression) : CompiledExpression
    {
        public override bool IsTrue(JsonElement root) => expression.IsTrue(root);

        public override string Text(JsonElement root) => (string)expression.Evaluate(root)!;
    }
}
