using System.Text.Json;
using DynamicExpresso;

namespace Sidecar.Bench;

/// <summary>
/// DynamicExpresso with its default options: C# syntax parsed to a LINQ expression tree and
/// compiled to a delegate. Its parameters must be typed when the text is compiled, so a rule
/// would need a declared type for every event value it reads; the bench gives it typed delegates,
/// its fastest form.
/// </summary>
internal sealed class DynamicExpressoCandidate : ExpressionCandidate
{
    public override string Name => "DynamicExpresso.Core 2.19.6";

    public override CompiledExpression Compile(ExpressionCase expression)
    {
        var bindings = new ExpressionBindings(expression.Parameters);
        var names = expression.Parameters.Select(p => p.Name).ToArray();
        var kinds = expression.Parameters.Select(p => p.Kind).ToArray();
        var interpreter = new Interpreter();
        return (expression.IsCondition, kinds) switch
        {
            (true, [ParameterKind.Text, ParameterKind.Number]) =>
                new TextNumberCondition(interpreter.ParseAsDelegate<Func<string?, long, bool>>(expression.DynamicExpresso, names), bindings),
            (false, [ParameterKind.Text, ParameterKind.Text]) =>
                new TextTextValue(interpreter.ParseAsDelegate<Func<string?, string?, string>>(expression.DynamicExpresso, names), bindings),
            _ => throw new NotSupportedException($"no delegate shape for {expression.Name}"),
        };
    }

    public override Func<object?> Prepare(string text, JsonElement root) => Prepare(new Interpreter(), text, root);

    /// <summary>With <c>EnableReflection()</c>: what an application that switches it on lets an expression reach.</summary>
    public static Func<object?> PrepareWithReflection(string text, JsonElement root) => Prepare(new Interpreter().EnableReflection(), text, root);

    private static Func<object?> Prepare(Interpreter interpreter, string text, JsonElement root)
    {
        var bindings = new ExpressionBindings(ExpressionProbes.Parameters);
        var lambda = interpreter.Parse(text, new Parameter("type", typeof(string)), new Parameter("rooms", typeof(long)));
        return () => lambda.Invoke(bindings.Text(root, 0), bindings.Number(root, 1));
    }

    private sealed class TextNumberCondition(Func<string?, long, bool> function, ExpressionBindings bindings) : CompiledExpression
    {
        public override bool IsTrue(JsonElement root) => function(bindings.Text(root, 0), bindings.Number(root, 1));

        public override string Text(JsonElement root) => throw new NotSupportedException();
    }

    private sealed class TextTextValue(Func<string?, string?, string> function, ExpressionBindings bindings) : CompiledExpression
    {
        public override bool IsTrue(JsonElement root) => throw new NotSupportedException();

        public override string Text(JsonElement root) => function(bindings.Text(root, 0), bindings.Text(root, 1));
    }
}
