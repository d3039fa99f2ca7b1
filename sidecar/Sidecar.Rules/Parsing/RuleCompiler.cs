using System.Text.Json;
using System.Text.RegularExpressions;
using Sidecar.Common.Contracts;
using Sidecar.Rules.Ops;
using Sidecar.Rules.Values;
using Sidecar.Store.Model;

namespace Sidecar.Rules.Parsing;

/// <summary>
/// Checks a rules document whole and compiles it. Every problem is collected, each prefixed by
/// where it is (<c>rules[1].ops[0].push.max</c>), so one run shows all that must be fixed.
/// Unknown keys are problems too: a misspelt <c>optinal</c> must not pass as a rule that fails
/// on every event.
/// </summary>
internal sealed partial class RuleCompiler(RuleLimits limits, List<string> problems)
{
    public const int Version = 1;

    private static readonly string[] RootKeys = ["version", "rules"];
    private static readonly string[] RuleKeys = ["name", "topics", "dataset", "when", "user", "time", "ops"];
    private static readonly string[] OpKinds = ["set", "del", "push", "incr"];

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex RuleName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex TopicName();

    public IReadOnlyList<Rule>? Compile(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add("the file must be an object with 'version' and 'rules'");
            return null;
        }

        UnknownKeys(root, RootKeys, "");
        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != Version)
        {
            problems.Add($"version: must be {Version}");
        }

        if (!root.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array || rules.GetArrayLength() == 0)
        {
            problems.Add("rules: must be a list of at least one rule");
            return null;
        }

        if (rules.GetArrayLength() > RuleLimits.MaxRules)
        {
            problems.Add($"rules: at most {RuleLimits.MaxRules} rules");
        }

        var compiled = new List<Rule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var rule in rules.EnumerateArray())
        {
            var where = $"rules[{index}]";
            if (CompileRule(rule, index, where) is { } r)
            {
                compiled.Add(r);
            }

            // Checked on the name as written, whether or not either rule has other problems:
            // every problem is listed in one run, not the duplicate only once the rest is fixed.
            if (rule.ValueKind == JsonValueKind.Object && rule.TryGetProperty("name", out var name)
                && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n && !names.Add(n))
            {
                problems.Add($"{where}.name: '{n}' is the name of an earlier rule; names are unique");
            }

            index++;
        }

        return compiled;
    }

    private Rule? CompileRule(JsonElement rule, int index, string where)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: a rule is an object with name, topics, user and ops");
            return null;
        }

        var count = problems.Count;
        UnknownKeys(rule, RuleKeys, where + ".");
        var name = String(rule, "name", where) ?? "";
        if (name.Length > 0 && !RuleName().IsMatch(name))
        {
            problems.Add($"{where}.name: '{name}' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }

        var topics = Topics(rule, where);
        var (dataset, listCap) = Dataset(rule, where);
        RuleExpression? condition = null;
        if (rule.TryGetProperty("when", out var when))
        {
            condition = when.ValueKind == JsonValueKind.String
                ? RuleExpression.Compile(when.GetString()!, where + ".when", problems)
                : Problem<RuleExpression>($"{where}.when: must be an expression in a string, e.g. \"[/type] == 'hotel_search'\"");
        }

        var user = rule.TryGetProperty("user", out var u) ? Value(u, where + ".user") : Problem<ValueSource>($"{where}.user: required (a JSON Pointer to the user id, e.g. /user/id)");
        EventPointer? time = null;
        if (rule.TryGetProperty("time", out var t))
        {
            time = t.ValueKind == JsonValueKind.String
                ? Pointer(t.GetString()!, where + ".time")
                : Problem<EventPointer>($"{where}.time: must be a JSON Pointer to the event's time (Unix milliseconds or an RFC 3339 string)");
        }

        var ops = Ops(rule, where, listCap);
        return problems.Count > count || user is null ? null : new Rule(name, index, topics, condition, user, time, ops, dataset);
    }

    /// <summary>The rule's <c>dataset</c> and that dataset's list cap (with the setting it comes from).</summary>
    private (string Name, (int Value, string Key) ListCap) Dataset(JsonElement rule, string where)
    {
        var nodeCap = (limits.ListCap, "Store:ListCap");
        if (!rule.TryGetProperty("dataset", out var value))
        {
            return (DatasetName.Default, nodeCap);
        }

        var name = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (!DatasetName.IsValid(name))
        {
            problems.Add(DatasetName.Problem($"{where}.dataset: '{name}'"));
        }
        else if (name != DatasetName.Default && limits.Datasets is { } datasets)
        {
            if (datasets.FirstOrDefault(d => d.Name == name) is { } known)
            {
                return (name, (known.ListCap, $"Datasets:{name}:ListCap"));
            }

            problems.Add($"{where}.dataset: '{name}' is not a dataset this node serves ({(datasets.Count == 0 ? "it serves none but the default one" : "it serves default, " + string.Join(", ", datasets.Select(d => d.Name)))}; a named one needs its Datasets:<name> section)");
        }

        return (name, nodeCap);
    }

    private List<string> Topics(JsonElement rule, string where)
    {
        var topics = new List<string>();
        if (!rule.TryGetProperty("topics", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problems.Add($"{where}.topics: required, a list of one or more source topics");
            return topics;
        }

        var i = 0;
        foreach (var topic in list.EnumerateArray())
        {
            var at = $"{where}.topics[{i++}]";
            if (topic.ValueKind != JsonValueKind.String || !TopicName().IsMatch(topic.GetString()!))
            {
                problems.Add($"{at}: must be a Kafka topic name (1 to 249 letters, digits, '.', '_' or '-')");
                continue;
            }

            var name = topic.GetString()!;
            if (OwnTopic(name, limits.UpdatesTopic, limits.DeadLetterTopic) || (limits.Datasets ?? []).Any(d => OwnTopic(name, d.UpdatesTopic, d.DeadLetterTopic)))
            {
                problems.Add($"{at}: '{name}' is one of the node's own topics (updates, mirrored updates, dead letters); rules read a team's event topics");
            }
            else if (!topics.Contains(name))
            {
                topics.Add(name);
            }
        }

        return topics;
    }

    private static bool OwnTopic(string name, string updates, string deadLetters) =>
        name == updates || name.EndsWith("." + updates, StringComparison.Ordinal) || name == deadLetters;

    private List<OpTemplate> Ops(JsonElement rule, string where, (int Value, string Key) listCap)
    {
        var ops = new List<OpTemplate>();
        if (!rule.TryGetProperty("ops", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problems.Add($"{where}.ops: required, a list of one or more ops (set, del, push, incr)");
            return ops;
        }

        if (list.GetArrayLength() > RuleLimits.MaxOpsPerRule)
        {
            problems.Add($"{where}.ops: at most {RuleLimits.MaxOpsPerRule} ops a rule");
        }

        var i = 0;
        foreach (var op in list.EnumerateArray())
        {
            if (Op(op, $"{where}.ops[{i++}]", listCap) is { } template)
            {
                ops.Add(template);
            }
        }

        return ops;
    }

    private OpTemplate? Op(JsonElement op, string where, (int Value, string Key) listCap)
    {
        var kinds = op.ValueKind == JsonValueKind.Object ? op.EnumerateObject().Where(p => OpKinds.Contains(p.Name)).ToList() : [];
        if (kinds.Count != 1)
        {
            problems.Add($"{where}: an op is an object with exactly one of {string.Join(", ", OpKinds)} (and optionally 'optional')");
            return null;
        }

        UnknownKeys(op, [.. OpKinds, "optional"], where + ".");
        var optional = false;
        if (op.TryGetProperty("optional", out var o))
        {
            if (o.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                optional = o.GetBoolean();
            }
            else
            {
                problems.Add($"{where}.optional: must be true or false");
            }
        }

        var kind = kinds[0].Name;
        var body = kinds[0].Value;
        var at = $"{where}.{kind}";
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: must be an object");
            return null;
        }

        var count = problems.Count;
        switch (kind)
        {
            case "set":
                UnknownKeys(body, ["field", "value"], at + ".");
                var field = Name(body, "field", at);
                var value = body.TryGetProperty("value", out var v) ? Value(v, at + ".value") : Problem<ValueSource>($"{at}.value: required");
                return problems.Count > count ? null : new SetTemplate(field!, value!, optional);
            case "del":
                UnknownKeys(body, ["field"], at + ".");
                var deleted = Name(body, "field", at);
                if (optional)
                {
                    problems.Add($"{where}.optional: a del has no value that could be missing");
                }

                return problems.Count > count ? null : new DeleteTemplate(deleted!);
            case "push":
                UnknownKeys(body, ["list", "item", "max"], at + ".");
                var list = Name(body, "list", at);
                var item = body.TryGetProperty("item", out var it) ? Value(it, at + ".item") : Problem<ValueSource>($"{at}.item: required");
                var max = (uint)listCap.Value;
                if (body.TryGetProperty("max", out var m))
                {
                    if (m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var n) && n >= 1 && n <= listCap.Value)
                    {
                        max = (uint)n;
                    }
                    else
                    {
                        problems.Add($"{at}.max: must be a whole number from 1 to {listCap.Value} ({listCap.Key})");
                    }
                }

                return problems.Count > count ? null : new PushTemplate(list!, item!, max, optional);
            default:
                UnknownKeys(body, ["counter", "by"], at + ".");
                var counter = Name(body, "counter", at);
                ValueSource? by = null;
                if (body.TryGetProperty("by", out var b))
                {
                    by = b.ValueKind == JsonValueKind.Number
                        ? (b.TryGetInt64(out _) ? new ConstSource(b) : Problem<ValueSource>($"{at}.by: must be a whole number"))
                        : Value(b, at + ".by");
                }

                return problems.Count > count ? null : new IncrementTemplate(counter!, by, optional);
        }
    }

    /// <summary>A value source: a pointer string, or {pointer}, {expr} or {const}.</summary>
    private ValueSource? Value(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return Pointer(value.GetString()!, where) is { } p ? new PointerSource(p) : null;
        }

        var keys = value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().Select(p => p.Name).ToList() : [];
        if (keys.Count != 1 || keys[0] is not ("pointer" or "expr" or "const"))
        {
            problems.Add($"{where}: a value is a JSON Pointer ('/hotel/id'), {{pointer: ...}}, {{expr: ...}} or {{const: ...}}");
            return null;
        }

        var body = value.GetProperty(keys[0]);
        switch (keys[0])
        {
            case "const":
                return new ConstSource(body);
            case "pointer" when body.ValueKind == JsonValueKind.String:
                return Pointer(body.GetString()!, where + ".pointer") is { } p ? new PointerSource(p) : null;
            case "expr" when body.ValueKind == JsonValueKind.String:
                return RuleExpression.Compile(body.GetString()!, where + ".expr", problems) is { } e ? new ExpressionSource(e) : null;
            default:
                problems.Add($"{where}.{keys[0]}: must be a string");
                return null;
        }
    }

    private EventPointer? Pointer(string text, string where)
    {
        var pointer = EventPointer.Parse(text, out var problem);
        if (pointer is null)
        {
            problems.Add($"{where}: {problem}");
        }

        return pointer;
    }

    private string? Name(JsonElement body, string key, string where)
    {
        var name = String(body, key, where);
        if (name is not null && NameRule.Check(key == "field" ? "field" : key, name, limits.Model) is { } problem)
        {
            problems.Add($"{where}.{key}: {problem}");
            return null;
        }

        return name;
    }

    private string? String(JsonElement body, string key, string where)
    {
        if (body.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
        {
            return value.GetString();
        }

        problems.Add($"{where}.{key}: required, a non-empty string");
        return null;
    }

    /// <summary>Keys this object may not have, and keys written twice: JSON allows those and
    /// would silently take the last one ("name": "a", ..., "name": "b"); YAML refuses them.</summary>
    private void UnknownKeys(JsonElement body, string[] known, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                problems.Add($"{where}{property.Name}: written twice; give each key once");
            }
            else if (!known.Contains(property.Name))
            {
                problems.Add($"{where}{property.Name}: unknown key (known here: {string.Join(", ", known)})");
            }
        }
    }

    private T? Problem<T>(string problem)
        where T : class
    {
        problems.Add(problem);
        return null;
    }
}
