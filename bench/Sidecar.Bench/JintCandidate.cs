using System.Text.Json;
using Jint;
using Jint.Native;

namespace Sidecar.Bench;

/// <summary>
/// Jint (a JavaScript interpreter): the script prepared once (<see cref="Engine.PrepareScript"/>),
/// the event's values set as globals per call. Measured twice: with its default options, and with
/// the constraints it needs to be safe against an expression that loops, recurses or allocates.
/// </summary>
internal sealed class JintCandidate(bool constrained) : ExpressionCandidate
{
    /// <summary>The constraints of the "constrained" line: each evaluation is reset to these budgets.</summary>
    public const string Constraints = "TimeoutInterval 100 ms, MaxStatements 1,000, LimitMemory 4 MB, LimitRecursion 64, RegexTimeout 100 ms, MaxArraySize 10,000";

    public override string Name => constrained ? "Jint 4.18.0, constrained" : "Jint 4.18.0, default options";

    public bool Constrained => constrained;

    public static Engine NewEngine(bool constrained, bool clr = false) => new(options =>
    {
        if (constrained)
        {
            options.TimeoutInterval(TimeSpan.FromMilliseconds(100)).MaxStatements(1_000).LimitMemory(4_000_000).LimitRecursion(64);
            options.Constraints.RegexTimeout = TimeSpan.FromMilliseconds(100);
            options.Constraints.MaxArraySize = 10_000;
        }

        if (clr)
        {
            options.AllowClr();
        }
    });

    public override CompiledExpression Compile(ExpressionCase expression) =>
        new Compiled(NewEngine(constrained), Engine.PrepareScript(expression.Jint), new ExpressionBindings(expression.Parameters));

    public override Func<object?> Prepare(string text, JsonElement root) => Prepare(NewEngine(constrained), text, root);

    /// <summary>With <c>AllowClr()</c>: what an application that switches it on lets a script reach.</summary>
    public Func<object?> PrepareWithClr(string text, JsonElement root) => Prepare(NewEngine(constrained, clr: true), text, root);

    private static Func<object?> Prepare(Engine engine, string text, JsonElement root)
    {
        var bindings = new ExpressionBindings(ExpressionProbes.Parameters);
        var script = Engine.PrepareScript(text);
        return () =>
        {
            engine.SetValue("type", bindings.Text(root, 0));
            engine.SetValue("rooms", (double)bindings.Number(root, 1));
            return engine.Evaluate(in script).ToObject();
        };
    }

    private sealed class Compiled(Engine engine, Prepared<Acornima.Ast.Script> script, ExpressionBindings bindings) : CompiledExpression
    {
        private readonly Prepared<Acornima.Ast.Script> _script = script;

        public override bool IsTrue(JsonElement root)
        {
            Bind(root);
            return engine.Evaluate(in _script).AsBoolean();
        }

        public override string Text(JsonElement root)
        {
            Bind(root);
            return engine.Evaluate(in _script).AsString();
        }

        private void Bind(JsonElement root)
        {
            for (var i = 0; i < bindings.Parameters.Count; i++)
            {
                var name = bindings.Parameters[i].Name;
                if (bindings.Parameters[i].Kind == ParameterKind.Number)
                {
                    engine.SetValue(name, (double)bindings.Number(root, i));
                }
                else if (bindings.Text(root, i) is { } text)
                {
                    engine.SetValue(name, text);
                }
                else
                {
                    engine.SetValue(name, JsValue.Null);
                }
            }
        }
    }
}
