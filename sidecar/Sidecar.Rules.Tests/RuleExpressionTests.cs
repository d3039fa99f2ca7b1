using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NCalc.Helpers;
using Sidecar.Rules.Mapping;

namespace Sidecar.Rules.Tests;

/// <summary>What an expression's result becomes in an op, and how it fails.</summary>
public sealed class RuleExpressionTests
{
    private const string Event = """{"u":"u1","n":2,"d":10.5,"s":"Oslo","b":true,"o":{"x":1},"z":0}""";

    [Theory]
    [InlineData("'h-' + [/n]", "\"h-2\"")]
    [InlineData("[/n] + '@' + [/s]", "\"2@Oslo\"")]
    [InlineData("[/s] + 'x'", "\"Oslox\"")]
    [InlineData("'quote\"' + [/s]", "\"quote\\u0022Oslo\"")]
    [InlineData("[/n] * 3", "6")]
    [InlineData("[/d] / 3", "3.5")]
    [InlineData("[/n] + 1", "3")]
    [InlineData("[/n] + [/n]", "4")]
    [InlineData("[/d] + 1", "11.5")]
    [InlineData("[/n] - 1", "1")]
    [InlineData("[/n] > 1", "true")]
    [InlineData("[/s] == 'Oslo' && [/b]", "true")]
    [InlineData("if([/n] > 5, 'big', 'small')", "\"small\"")]
    [InlineData("[/missing] * 2", "null")]
    [InlineData("[/o]", "\"{\\u0022x\\u0022:1}\"")]
    public void A_result_is_written_as_json(string expression, string json)
    {
        var mapper = Given.Mapper(Given.OneRule($$"""
            "ops": [{ "set": { "field": "f", "value": { "expr": {{System.Text.Json.JsonSerializer.Serialize(expression)}} } } }]
            """));

        Assert.Equal(json, mapper.SingleOp(Given.Event(Event)).Set.JsonValue.ToStringUtf8());
    }

    [Fact]
    public void An_increment_by_a_sum_adds()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\", \"by\": { \"expr\": \"[/n] + 1\" } } }]"));
        Assert.Equal(3, mapper.SingleOp(Given.Event(Event)).Incr.By);
    }

    [Fact]
    public void A_list_item_from_an_expression_is_its_text()
    {
        var mapper = Given.Mapper(Given.OneRule("""
            "ops": [{ "push": { "list": "a", "item": { "expr": "[/s] + '-' + [/n]" } } }, { "push": { "list": "b", "item": { "expr": "[/d] * 2" } } }, { "push": { "list": "c", "item": { "expr": "[/n] > 1" } } }]
            """));

        Assert.Equal(["Oslo-2", "21", "true"], Assert.Single(mapper.Envelopes(Given.Event(Event))).Ops.Select(o => o.Push.Item));
    }

    [Fact]
    public void A_user_from_an_expression()
    {
        var mapper = Given.Mapper(Given.OneRule("\"ops\": [{ \"incr\": { \"counter\": \"c\" } }]").Replace("\"user\": \"/u\"", "\"user\": { \"expr\": \"'tenant-' + [/u]\" }", StringComparison.Ordinal));
        Assert.Equal("tenant-u1", Assert.Single(mapper.Envelopes(Given.Event(Event))).UserId);
    }

    [Theory]
    [InlineData("'abc' > 3", "''abc' > 3' failed: ")]
    [InlineData("[/s] * 2", "'[/s] * 2' failed: ")]
    [InlineData("5 % 0", "'5 % 0' failed: ")]
    [InlineData("[/n] % 0", "set f is NaN, which JSON cannot hold")]
    [InlineData("[/n] / 0", "set f is Infinity, which JSON cannot hold")]
    [InlineData("Sqrt(-1)", "set f is NaN, which JSON cannot hold")]
    [InlineData("Round(1.5)", "'Round(1.5)' failed: ")]
    [InlineData("[/b] + 1", "'[/b] + 1' failed: ")]
    public void A_failing_expression_is_a_dead_letter_of_its_rule(string expression, string reason)
    {
        var mapper = Given.Mapper(Given.OneRule($$"""
            "ops": [{ "set": { "field": "f", "value": { "expr": {{System.Text.Json.JsonSerializer.Serialize(expression)}} } } }]
            """, name: "calc"));

        var dead = mapper.DeadLetter(Given.Event(Event));

        Assert.Equal("calc", dead.Rule);
        Assert.StartsWith(reason, dead.Reason);
    }

    /// <summary>
    /// Whatever expression a file holds, in any place (condition, user, set, push, incr), mapping
    /// an event never throws: it makes ops or a dead letter of that rule, and a set's value is JSON.
    /// </summary>
    [Property(MaxTest = 400)]
    public Property Any_expression_maps_to_ops_or_a_dead_letter_never_an_exception() =>
        Prop.ForAll(Expression(3).ToArbitrary(), Gen.Elements("when", "user", "set", "push", "incr").ToArbitrary(), (expression, place) =>
        {
            var text = JsonSerializer.Serialize(expression);
            var rule = place switch
            {
                "when" => "\"when\": " + text + ", \"ops\": [{ \"del\": { \"field\": \"f\" } }]",
                "set" => "\"ops\": [{ \"set\": { \"field\": \"f\", \"value\": { \"expr\": " + text + " } } }]",
                "push" => "\"ops\": [{ \"push\": { \"list\": \"f\", \"item\": { \"expr\": " + text + " } } }]",
                "incr" => "\"ops\": [{ \"incr\": { \"counter\": \"f\", \"by\": { \"expr\": " + text + " } } }]",
                _ => "\"ops\": [{ \"del\": { \"field\": \"f\" } }]",
            };
            var file = Given.OneRule(rule, name: "fuzz");
            if (place == "user")
            {
                file = file.Replace("\"user\": \"/u\"", "\"user\": { \"expr\": " + text + " }", StringComparison.Ordinal);
            }

            var load = RuleSet.Parse(file, RuleFileFormat.Json, RuleLimits.Default);
            if (load.RuleSet is null)
            {
                return true.Label("refused when read: " + string.Join(" | ", load.Problems));
            }

            var mapped = new EventMapper(load.RuleSet, "dc-a", RuleLimits.Default).Map(Given.Event(Event), Given.Now);
            var setsAreJson = mapped.Envelopes.SelectMany(e => e.Ops).Where(o => o.KindCase == Common.Envelope.Op.KindOneofCase.Set).All(o => IsJson(o.Set.JsonValue.Memory));
            return (setsAreJson && (mapped.DeadLetter is null || mapped.DeadLetter.Rule == "fuzz")).Label($"{place}: {expression} -> {mapped.DeadLetter}");
        });

    [Fact]
    public void A_condition_reads_the_event_by_pointers()
    {
        var mapper = Given.Mapper(Given.OneRule("\"when\": \"[/s] == 'Oslo' && [/n] >= 2 && [/o/x] == 1\", \"ops\": [{ \"incr\": { \"counter\": \"c\" } }]"));

        Assert.Single(mapper.Envelopes(Given.Event(Event)));
        Assert.True(mapper.Map(Given.Event("""{"u":"u1","s":"Rome","n":2,"o":{"x":1}}""")).Skipped);
        // A missing value is null to the expression: the condition is false, not an error.
        Assert.True(mapper.Map(Given.Event("""{"u":"u1"}""")).Skipped);
    }

    [Fact]
    public void The_built_in_functions_are_known()
    {
        var mapper = Given.Mapper(Given.OneRule("\"when\": \"Abs(-[/n]) == 2 && in([/s], 'Oslo', 'Rome') && Max([/n], 1) == 2\", \"ops\": [{ \"incr\": { \"counter\": \"c\" } }]"));
        Assert.Single(mapper.Envelopes(Given.Event(Event)));
    }

    private static readonly string[] Atoms = ["[/n]", "[/d]", "[/s]", "[/b]", "[/o]", "[/missing]", "[/z]", "0", "1", "2.5", "'x'", "'2'", "''", "true", "false", "-1", "2147483647", "9223372036854775807", "1e308"];

    private static readonly string[] Operators = ["+", "-", "*", "/", "%", "==", "!=", ">", "<", ">=", "<=", "&&", "||", "&", "|", "^", "<<", ">>"];

    private static Gen<string> Expression(int depth) =>
        depth == 0
            ? Gen.Elements(Atoms)
            : Gen.OneOf(
                Gen.Elements(Atoms),
                from left in Expression(depth - 1) from op in Gen.Elements(Operators) from right in Expression(depth - 1) select $"({left} {op} {right})",
                from unary in Gen.Elements("-", "!", "~") from operand in Expression(depth - 1) select unary + operand,
                from function in Gen.Elements(BuiltInFunctionHelper.GetBuiltInFunctionNames().ToArray())
                from arguments in Expression(depth - 1).ListOf().Select(l => l.Take(3))
                select $"{function}({string.Join(", ", arguments)})");

    private static bool IsJson(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
