using System.Globalization;
using System.Text.Json;
using NCalc;
using NCalc.Exceptions;
using NCalc.Helpers;

namespace Sidecar.Rules.Values;

/// <summary>
/// An NCalc expression over an event's values: <c>[/type] == 'hotel_search' &amp;&amp; [/rooms] &gt; 1</c>.
/// Every parameter is a JSON Pointer in brackets.
/// </summary>
/// <remarks>
/// <para>Why NCalc (docs/rules.md has the comparison): it parses to a tree and walks it, with no
/// loops, no member access, no reflection and no I/O; the only functions are its built-in maths
/// and <c>if</c>/<c>ifs</c>/<c>in</c>, so an expression's time is bounded by its length
/// (<see cref="RuleLimits.MaxExpressionLength"/>).</para>
/// <para>Compiled once when the file is read: syntax, parameters that are not pointers and unknown
/// functions are refused then, not when the first event arrives. An instance keeps its parameter
/// values between calls: one mapper, one thread.</para>
/// </remarks>
internal sealed class RuleExpression
{
    // NoCache: NCalc's parse cache is process-wide (static); ours lives in the rule set.
    // NoStringTypeCoercion: '+' joins when either side is a string ('h-' + [/id] is "h-42") and
    // adds numbers ([/rooms] + 1 is 3). Not StringConcat: that joins numbers too ("21").
    private const ExpressionOptions Options = ExpressionOptions.NoCache | ExpressionOptions.NoStringTypeCoercion;

    private static readonly HashSet<string> Functions = new(BuiltInFunctionHelper.GetBuiltInFunctionNames(), StringComparer.Ordinal);

    private readonly Expression _expression;
    private readonly (string Name, EventPointer Pointer)[] _parameters;

    private RuleExpression(string text, Expression expression, (string, EventPointer)[] parameters)
    {
        Text = text;
        _expression = expression;
        _parameters = parameters;
    }

    public string Text { get; }

    /// <summary>Compiles <paramref name="text"/>; null with every problem added to <paramref name="problems"/> (prefixed by <paramref name="where"/>).</summary>
    public static RuleExpression? Compile(string text, string where, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"{where}: the expression is empty");
            return null;
        }

        if (text.Length > RuleLimits.MaxExpressionLength)
        {
            problems.Add($"{where}: the expression is longer than {RuleLimits.MaxExpressionLength} characters");
            return null;
        }

        var expression = new Expression(text, CultureInfo.InvariantCulture) { Options = Options };
        if (expression.HasErrors())
        {
            problems.Add($"{where}: '{text}' does not compile: {expression.Error?.Message}");
            return null;
        }

        var count = problems.Count;
        var parameters = new List<(string, EventPointer)>();
        foreach (var name in expression.GetParameterNames().Distinct(StringComparer.Ordinal))
        {
            if (EventPointer.Parse(name, out var problem) is { } pointer)
            {
                parameters.Add((name, pointer));
            }
            else
            {
                problems.Add($"{where}: parameter [{name}]: {problem}");
            }
        }

        foreach (var function in expression.GetFunctionNames().Distinct(StringComparer.Ordinal))
        {
            if (!Functions.Contains(function))
            {
                problems.Add($"{where}: unknown function '{function}' (the functions are NCalc's built-ins: {string.Join(", ", Functions.Order(StringComparer.Ordinal))})");
            }
        }

        return problems.Count > count ? null : new RuleExpression(text, expression, parameters.ToArray());
    }

    /// <summary>Evaluates against <paramref name="root"/>; a missing value is null to the expression.</summary>
    public object? Evaluate(JsonElement root)
    {
        foreach (var (name, pointer) in _parameters)
        {
            _expression.Parameters[name] = pointer.TryResolve(root, out var value) ? RuleValue.ToClr(value) : null;
        }

        try
        {
            return _expression.Evaluate();
        }
        // ArithmeticException: whole numbers divided by zero ('5 % 0') throw DivideByZeroException
        // (and overflow OverflowException); the event is a dead letter, not a crash of the mapper.
        catch (Exception e) when (e is NCalcException or FormatException or InvalidCastException or ArgumentException or ArithmeticException or InvalidOperationException)
        {
            throw new MappingException($"'{Text}' failed: {e.Message}");
        }
    }

    /// <summary>Evaluates a condition: true or false, anything else fails.</summary>
    public bool IsTrue(JsonElement root) =>
        Evaluate(root) is bool b ? b : throw new MappingException($"'{Text}' is not true or false");

    public override string ToString() => Text;
}
