using Sidecar.Rules.Ops;

namespace Sidecar.Rules.Tests;

public sealed class RuleFileTests
{
    private const string Ok = "\"topics\": [\"clicks\"], \"user\": \"/u\", \"ops\": [{ \"del\": { \"field\": \"f\" } }]";

    [Fact]
    public void The_worked_example_of_the_design_compiles()
    {
        var rules = Given.Rules(WorkedExample.Yaml, RuleFileFormat.Yaml);

        Assert.Equal(["hotel-search", "booking"], rules.Rules.Select(r => r.Name));
        Assert.Equal([0, 1], rules.Rules.Select(r => r.Index));
        Assert.All(rules.Rules, r => Assert.Equal(["clicks.b2c", "clicks.b2b"], r.Topics));
        Assert.Equal(["[/type] == 'hotel_search'", "[/type] == 'booking'"], rules.Rules.Select(r => r.When));
        Assert.Equal(["clicks.b2b", "clicks.b2c"], rules.Topics);
        Assert.Matches("^[0-9a-f]{16}$", rules.Hash);
        Assert.Equal(
            [
                "push recent <- /hotel/id (max 20) | set lastCity = /hotel/city | incr searches by 1",
                "set lastBooking = {expr: [/hotel/id] + '@' + [/hotel/city]} | incr bookings by {expr: [/rooms]} | del cartHotel",
            ],
            rules.Rules.Select(Ops));
        Assert.Equal(["/ts", null], rules.Rules.Select(r => r.Time?.Text));
        Assert.All(rules.Rules, r => Assert.Equal("/user/id", r.User.Describe()));
    }

    [Fact]
    public void A_json_file_and_the_same_yaml_compile_to_the_same_rules()
    {
        var json = Given.Rules(WorkedExample.Json);
        var yaml = Given.Rules(WorkedExample.Yaml, RuleFileFormat.Yaml);

        Assert.Equal(Summary(json), Summary(yaml));
        Assert.Equal(json.Topics, yaml.Topics);
        // The texts differ, so the hashes do: the hash tells files apart, not rules.
        Assert.NotEqual(json.Hash, yaml.Hash);
    }

    [Fact]
    public void A_json_file_and_the_same_yaml_map_an_event_to_the_same_bytes()
    {
        var json = new Mapping.EventMapper(Given.Rules(WorkedExample.Json), "dc-a", RuleLimits.Default);
        var yaml = new Mapping.EventMapper(Given.Rules(WorkedExample.Yaml, RuleFileFormat.Yaml), "dc-a", RuleLimits.Default);
        foreach (var body in new[]
                 {
                     $$$"""{"type":"hotel_search","user":{"id":"u1"},"ts":{{{Given.RecordMs}}},"hotel":{"id":"h7","city":"Oslo"}}""",
                     """{"type":"booking","user":{"id":"u1"},"rooms":2,"hotel":{"id":42,"city":"Oslo"}}""",
                 })
        {
            var a = json.Envelopes(Given.Event(body, "clicks.b2c"));
            var b = yaml.Envelopes(Given.Event(body, "clicks.b2c"));
            Assert.Equal(3, Assert.Single(a).Ops.Count);
            Assert.Equal(a.Select(e => Convert.ToHexString(Google.Protobuf.MessageExtensions.ToByteArray(e))),
                b.Select(e => Convert.ToHexString(Google.Protobuf.MessageExtensions.ToByteArray(e))));
        }
    }

    /// <summary>Every kind of mistake in one file: one run of the check must show all of them, each where it is.</summary>
    [Fact]
    public void A_bad_file_lists_every_problem_at_once()
    {
        var text = $$"""
            {
              "version": 2,
              "colour": "red",
              "rules": [
                { "name": "twice", {{Ok}} },
                { "name": "twice", {{Ok}} },
                { "topics": ["clicks"], "user": "/u", "ops": [{ "del": { "field": "f" } }] },
                { "name": "no-topics", "user": "/u", "ops": [{ "del": { "field": "f" } }] },
                { "name": "no-user", "topics": ["clicks"], "ops": [{ "del": { "field": "f" } }] },
                { "name": "no-ops", "topics": ["clicks"], "user": "/u" },
                { "name": "bad-topic", "topics": ["clicks b2c"], "user": "/u", "ops": [{ "del": { "field": "f" } }] },
                { "name": "own-topics", "topics": ["updates", "dc-a.updates", "updates.dlq", "clicks"], "user": "/u", "ops": [{ "del": { "field": "f" } }] },
                { "name": "syntax", "when": "[/a] ==", {{Ok}} },
                { "name": "function", "when": "nosuch([/a]) == 1", {{Ok}} },
                { "name": "parameter", "when": "[type] == 'x'", {{Ok}} },
                { "name": "tilde", "topics": ["clicks"], "user": "/a~2b", "ops": [{ "del": { "field": "f" } }] },
                { "name": "bad name!", {{Ok}} },
                { "name": "field", "topics": ["clicks"], "user": "/u", "ops": [{ "set": { "field": "a b", "value": "/v" } }] },
                { "name": "max-0", "topics": ["clicks"], "user": "/u", "ops": [{ "push": { "list": "l", "item": "/i", "max": 0 } }] },
                { "name": "max-big", "topics": ["clicks"], "user": "/u", "ops": [{ "push": { "list": "l", "item": "/i", "max": 101 } }] },
                { "name": "misspelt", "optinal": true, {{Ok}} },
                { "name": "op-key", "topics": ["clicks"], "user": "/u", "ops": [{ "incr": { "counter": "c", "step": 2 } }] },
                { "name": "fine", {{Ok}} }
              ]
            }
            """;

        var load = RuleSet.Parse(text, RuleFileFormat.Json, RuleLimits.Default);

        Assert.Null(load.RuleSet);
        AssertProblems(load.Problems,
            ("version:", "must be 1"),
            ("colour:", "unknown key"),
            ("rules[1].name:", "'twice' is the name of an earlier rule"),
            ("rules[2].name:", "required"),
            ("rules[3].topics:", "required"),
            ("rules[4].user:", "required"),
            ("rules[5].ops:", "required"),
            ("rules[6].topics[0]:", "must be a Kafka topic name"),
            ("rules[7].topics[0]:", "'updates' is one of the node's own topics"),
            ("rules[7].topics[1]:", "'dc-a.updates' is one of the node's own topics"),
            ("rules[7].topics[2]:", "'updates.dlq' is one of the node's own topics"),
            ("rules[8].when:", "does not compile"),
            ("rules[9].when:", "unknown function 'nosuch'"),
            ("rules[10].when:", "parameter [type]: 'type' is not a JSON Pointer"),
            ("rules[11].user:", "'~' must be followed by 0 or 1"),
            ("rules[12].name:", "'bad name!' must be 1 to 64 letters"),
            ("rules[13].ops[0].set.field:", "field name 'a b' may contain only"),
            ("rules[14].ops[0].push.max:", "from 1 to 100"),
            ("rules[15].ops[0].push.max:", "from 1 to 100"),
            ("rules[16].optinal:", "unknown key"),
            ("rules[17].ops[0].incr.step:", "unknown key"));
    }

    [Fact]
    public void A_duplicate_name_is_reported_even_when_either_rule_has_other_problems()
    {
        var text = """
            { "version": 1, "rules": [
              { "name": "same", "topics": ["bad topic"], "user": "/u", "ops": [{ "del": { "field": "f" } }] },
              { "name": "same", "topics": ["t"], "user": "/u", "ops": [{ "del": { "field": "f" } }] },
              { "name": "same", "topics": ["t"], "user": "u", "ops": [{ "del": { "field": "f" } }] }
            ] }
            """;

        AssertProblems(RuleSet.Parse(text, RuleFileFormat.Json, RuleLimits.Default).Problems,
            ("rules[0].topics[0]:", "must be a Kafka topic name"),
            ("rules[1].name:", "'same' is the name of an earlier rule"),
            ("rules[2].name:", "'same' is the name of an earlier rule"),
            ("rules[2].user:", "must start with '/'"));
    }

    [Fact]
    public void A_key_written_twice_is_a_problem_in_json_as_in_yaml()
    {
        var json = RuleSet.Parse("""
            { "version": 1, "rules": [
              { "name": "a", "name": "b", "topics": ["t"], "user": "/u", "ops": [{ "push": { "list": "l", "item": "/i", "max": 1, "max": 50 } }] }
            ] }
            """, RuleFileFormat.Json, RuleLimits.Default);
        AssertProblems(json.Problems,
            ("rules[0].name:", "written twice"),
            ("rules[0].ops[0].push.max:", "written twice"));

        var yaml = RuleSet.Parse("version: 1\nrules:\n  - name: a\n    name: b\n    topics: [t]\n    user: /u\n    ops: [ { del: { field: f } } ]\n", RuleFileFormat.Yaml, RuleLimits.Default);
        Assert.StartsWith("not valid YAML (line 4,", Assert.Single(yaml.Problems));
    }

    [Fact]
    public void A_json_syntax_error_names_its_line()
    {
        var load = RuleSet.Parse("{\n  \"version\": 1,\n  \"rules\": [\n    { \"name\": }\n  ]\n}", RuleFileFormat.Json, RuleLimits.Default);

        Assert.Null(load.RuleSet);
        var problem = Assert.Single(load.Problems);
        Assert.StartsWith("not valid JSON (line 4,", problem);
    }

    [Fact]
    public void A_yaml_syntax_error_names_its_line()
    {
        var load = RuleSet.Parse("version: 1\nrules:\n  - name: a\n    topics: [t]\n   user: /u\n", RuleFileFormat.Yaml, RuleLimits.Default);

        Assert.Null(load.RuleSet);
        var problem = Assert.Single(load.Problems);
        Assert.Matches(@"^not valid YAML \(line 5, column \d+\): ", problem);
    }

    /// <summary>YamlDotNet fails on some truncated files with an InvalidOperationException, not a YamlException: still a problem, not a crash.</summary>
    [Theory]
    [InlineData("version: 1\nrules:\n  - name: a\n    topics: [t\n    user: /u\n")]
    [InlineData("version: 1\nrules: [ { name: a\n")]
    [InlineData("rules: {")]
    public void A_truncated_yaml_file_is_a_problem(string text)
    {
        var load = RuleSet.Parse(text, RuleFileFormat.Yaml, RuleLimits.Default);

        Assert.Null(load.RuleSet);
        Assert.StartsWith("not valid YAML", Assert.Single(load.Problems));
    }

    [Fact]
    public void A_yaml_file_holds_exactly_one_document()
    {
        Assert.Equal(["a rules file holds one YAML document, not 2"],
            RuleSet.Parse("version: 1\n---\nversion: 1\n", RuleFileFormat.Yaml, RuleLimits.Default).Problems);
        Assert.Equal(["a rules file holds one YAML document, not 0"],
            RuleSet.Parse("# nothing\n", RuleFileFormat.Yaml, RuleLimits.Default).Problems);
    }

    [Fact]
    public void Yaml_scalars_are_typed_by_the_core_schema_and_quoted_ones_are_strings()
    {
        // Unquoted 20 is the number push.max needs; quoted "20" is a string and refused.
        var plain = Given.Rules("version: 1\nrules:\n  - name: r\n    topics: [t]\n    user: /u\n    ops:\n      - push: { list: l, item: /i, max: 20 }\n      - set: { field: f, value: { const: true } }\n", RuleFileFormat.Yaml);
        Assert.Equal("push l <- /i (max 20) | set f = {const: true}", Ops(Assert.Single(plain.Rules)));

        var quoted = RuleSet.Parse("version: 1\nrules:\n  - name: r\n    topics: [t]\n    user: /u\n    ops:\n      - push: { list: l, item: /i, max: \"20\" }\n", RuleFileFormat.Yaml, RuleLimits.Default);
        Assert.Equal(["rules[0].ops[0].push.max: must be a whole number from 1 to 100 (Store:ListCap)"], quoted.Problems);

        var version = RuleSet.Parse("version: '1'\nrules:\n  - { name: r, topics: [t], user: /u, ops: [ { del: { field: f } } ] }\n", RuleFileFormat.Yaml, RuleLimits.Default);
        Assert.Equal(["version: must be 1"], version.Problems);
    }

    [Theory]
    [InlineData("[]", "the file must be an object with 'version' and 'rules'")]
    [InlineData("{ \"version\": 1 }", "rules: must be a list of at least one rule")]
    [InlineData("{ \"version\": 1, \"rules\": [] }", "rules: must be a list of at least one rule")]
    [InlineData("{ \"version\": 1, \"rules\": [ 3 ] }", "rules[0]: a rule is an object with name, topics, user and ops")]
    public void A_file_without_rules_is_refused(string text, string problem) =>
        Assert.Equal([problem], RuleSet.Parse(text, RuleFileFormat.Json, RuleLimits.Default).Problems);

    [Theory]
    [InlineData("", "version: must be 1")]
    [InlineData("\"version\": 2,", "version: must be 1")]
    [InlineData("\"version\": \"1\",", "version: must be 1")]
    [InlineData("\"version\": 1.5,", "version: must be 1")]
    public void Only_version_1_is_read(string version, string problem)
    {
        var text = $$"""{ {{version}} "rules": [ { "name": "r", {{Ok}} } ] }""";
        Assert.Equal([problem], RuleSet.Parse(text, RuleFileFormat.Json, RuleLimits.Default).Problems);
    }

    [Theory]
    [InlineData("\"when\": 3", "rules[0].when: must be an expression in a string")]
    [InlineData("\"when\": \"  \"", "rules[0].when: the expression is empty")]
    [InlineData("\"time\": 3", "rules[0].time: must be a JSON Pointer")]
    [InlineData("\"time\": \"ts\"", "rules[0].time: 'ts' is not a JSON Pointer")]
    [InlineData("\"ops\": [ { \"del\": { \"field\": \"f\" }, \"optional\": true } ]", "rules[0].ops[0].optional: a del has no value that could be missing")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\", \"value\": \"/v\" }, \"optional\": \"yes\" } ]", "rules[0].ops[0].optional: must be true or false")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\", \"value\": \"/v\" }, \"del\": { \"field\": \"g\" } } ]", "rules[0].ops[0]: an op is an object with exactly one of set, del, push, incr")]
    [InlineData("\"ops\": [ { \"drop\": { \"field\": \"f\" } } ]", "rules[0].ops[0]: an op is an object with exactly one of set, del, push, incr")]
    [InlineData("\"ops\": [ { \"del\": \"f\" } ]", "rules[0].ops[0].del: must be an object")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\" } } ]", "rules[0].ops[0].set.value: required")]
    [InlineData("\"ops\": [ { \"set\": { \"value\": \"/v\" } } ]", "rules[0].ops[0].set.field: required, a non-empty string")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\", \"value\": { \"pointer\": \"/a\", \"const\": 1 } } } ]", "rules[0].ops[0].set.value: a value is a JSON Pointer")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\", \"value\": { \"expr\": 3 } } } ]", "rules[0].ops[0].set.value.expr: must be a string")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\", \"value\": 3 } } ]", "rules[0].ops[0].set.value: a value is a JSON Pointer")]
    [InlineData("\"ops\": [ { \"push\": { \"list\": \"l\" } } ]", "rules[0].ops[0].push.item: required")]
    [InlineData("\"ops\": [ { \"push\": { \"list\": \"l\", \"item\": \"/i\", \"max\": 2.5 } } ]", "rules[0].ops[0].push.max: must be a whole number from 1 to 100")]
    [InlineData("\"ops\": [ { \"incr\": { \"counter\": \"c\", \"by\": 2.5 } } ]", "rules[0].ops[0].incr.by: must be a whole number")]
    [InlineData("\"ops\": [ { \"incr\": { \"by\": 2 } } ]", "rules[0].ops[0].incr.counter: required, a non-empty string")]
    [InlineData("\"ops\": [ { \"incr\": { \"counter\": \"c/d\" } } ]", "rules[0].ops[0].incr.counter: counter name 'c/d' may contain only")]
    [InlineData("\"ops\": [ { \"push\": { \"list\": \"l l\", \"item\": \"/i\" } } ]", "rules[0].ops[0].push.list: list name 'l l' may contain only")]
    [InlineData("\"ops\": [ { \"set\": { \"field\": \"f\", \"value\": { \"expr\": \"[/a\" } } } ]", "rules[0].ops[0].set.value.expr: '[/a' does not compile")]
    public void Each_mistake_is_named_where_it_is(string rule, string problem)
    {
        var text = $$"""{ "version": 1, "rules": [ { "name": "r", "topics": ["t"], "user": "/u", {{(rule.StartsWith("\"ops\"", StringComparison.Ordinal) ? rule : rule + ", \"ops\": [{ \"del\": { \"field\": \"f\" } }]")}} } ] }""";

        var load = RuleSet.Parse(text, RuleFileFormat.Json, RuleLimits.Default);

        Assert.Null(load.RuleSet);
        var only = Assert.Single(load.Problems);
        Assert.StartsWith(problem, only);
    }

    [Fact]
    public void A_name_longer_than_the_model_allows_is_refused()
    {
        var limits = new RuleLimits { Model = new Store.Model.ModelLimits { MaxNameLength = 8 } };
        var load = RuleSet.Parse(Given.OneRule("\"ops\": [ { \"set\": { \"field\": \"abcdefghi\", \"value\": \"/v\" } } ]"), RuleFileFormat.Json, limits);
        Assert.Equal(["rules[0].ops[0].set.field: field name must be 1 to 8 characters"], load.Problems);
    }

    [Fact]
    public void An_expression_longer_than_the_limit_is_refused()
    {
        var expression = string.Join(" + ", Enumerable.Repeat("1", RuleLimits.MaxExpressionLength / 4 + 1));
        Assert.True(expression.Length > RuleLimits.MaxExpressionLength);
        var load = RuleSet.Parse(Given.OneRule($$"""
            "when": "{{expression}} == 1", "ops": [{ "del": { "field": "f" } }]
            """), RuleFileFormat.Json, RuleLimits.Default);
        Assert.Equal([$"rules[0].when: the expression is longer than {RuleLimits.MaxExpressionLength} characters"], load.Problems);
    }

    [Fact]
    public void A_rule_holds_at_most_64_ops()
    {
        var ops = string.Join(", ", Enumerable.Range(0, RuleLimits.MaxOpsPerRule + 1).Select(i => $$"""{ "del": { "field": "f{{i}}" } }"""));
        var load = RuleSet.Parse(Given.OneRule($"\"ops\": [{ops}]"), RuleFileFormat.Json, RuleLimits.Default);
        Assert.Equal(["rules[0].ops: at most 64 ops a rule"], load.Problems);
        Assert.NotNull(RuleSet.Parse(Given.OneRule($"\"ops\": [{ops[..ops.LastIndexOf(", {", StringComparison.Ordinal)]}]"), RuleFileFormat.Json, RuleLimits.Default).RuleSet);
    }

    [Fact]
    public void Push_max_defaults_to_the_list_cap_and_is_checked_against_it()
    {
        var limits = new RuleLimits { ListCap = 500 };
        var rules = Given.Rules(Given.OneRule("""
            "ops": [ { "push": { "list": "a", "item": "/i" } }, { "push": { "list": "b", "item": "/i", "max": 500 } }, { "push": { "list": "c", "item": "/i", "max": 1 } } ]
            """), limits: limits);
        Assert.Equal("push a <- /i (max 500) | push b <- /i (max 500) | push c <- /i (max 1)", Ops(Assert.Single(rules.Rules)));
        Assert.Equal(["rules[0].ops[0].push.max: must be a whole number from 1 to 500 (Store:ListCap)"],
            RuleSet.Parse(Given.OneRule("\"ops\": [ { \"push\": { \"list\": \"a\", \"item\": \"/i\", \"max\": 501 } } ]"), RuleFileFormat.Json, limits).Problems);
    }

    [Fact]
    public void The_node_topics_are_those_of_its_own_options()
    {
        var limits = new RuleLimits { UpdatesTopic = "ups", DeadLetterTopic = "dead" };
        var load = RuleSet.Parse(Given.OneRule("\"topics\": [\"updates\", \"updates.dlq\", \"ups\", \"dc-b.ups\", \"dead\"], \"ops\": [{ \"del\": { \"field\": \"f\" } }]").Replace("\"topics\": [\"t\"], ", ""), RuleFileFormat.Json, limits);
        Assert.Equal(
            [
                "rules[0].topics[2]: 'ups' is one of the node's own topics (updates, mirrored updates, dead letters); rules read a team's event topics",
                "rules[0].topics[3]: 'dc-b.ups' is one of the node's own topics (updates, mirrored updates, dead letters); rules read a team's event topics",
                "rules[0].topics[4]: 'dead' is one of the node's own topics (updates, mirrored updates, dead letters); rules read a team's event topics",
            ],
            load.Problems);
    }

    [Fact]
    public void Topics_are_listed_once_and_sorted()
    {
        var rules = Given.Rules("""
            { "version": 1, "rules": [
              { "name": "a", "topics": ["z", "b", "z"], "user": "/u", "ops": [{ "del": { "field": "f" } }] },
              { "name": "b", "topics": ["b", "a"], "user": "/u", "ops": [{ "del": { "field": "f" } }] }
            ] }
            """);
        Assert.Equal(["z", "b"], rules.Rules[0].Topics);
        Assert.Equal(["a", "b", "z"], rules.Topics);
    }

    [Fact]
    public void The_hash_is_that_of_the_text()
    {
        var a = Given.Rules(WorkedExample.Json);
        var again = Given.Rules(WorkedExample.Json);
        var changed = Given.Rules(WorkedExample.Json.Replace("\"max\": 20", "\"max\": 21", StringComparison.Ordinal));
        Assert.Equal(a.Hash, again.Hash);
        Assert.NotEqual(a.Hash, changed.Hash);
    }

    [Fact]
    public void Read_takes_the_format_from_the_extension()
    {
        var directory = Directory.CreateTempSubdirectory("rules-tests-");
        try
        {
            foreach (var name in new[] { "rules.yaml", "rules.YML" })
            {
                var path = Path.Combine(directory.FullName, name);
                File.WriteAllText(path, WorkedExample.Yaml);
                Assert.Equal(2, RuleSet.Read(path, RuleLimits.Default).RuleSet?.Rules.Count);
            }

            var json = Path.Combine(directory.FullName, "rules.json");
            File.WriteAllText(json, WorkedExample.Json);
            Assert.Equal(2, RuleSet.Read(json, RuleLimits.Default).RuleSet?.Rules.Count);

            // YAML in a file without a YAML extension is read as JSON, and refused.
            var other = Path.Combine(directory.FullName, "rules.txt");
            File.WriteAllText(other, WorkedExample.Yaml);
            Assert.StartsWith("not valid JSON", Assert.Single(RuleSet.Read(other, RuleLimits.Default).Problems));

            var missing = Path.Combine(directory.FullName, "absent.json");
            var load = RuleSet.Read(missing, RuleLimits.Default);
            Assert.Null(load.RuleSet);
            Assert.StartsWith($"{missing}: cannot be read: ", Assert.Single(load.Problems));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Ops(Rule rule) => string.Join(" | ", rule.Ops.Select(o => o.Describe()));

    private static IEnumerable<string> Summary(RuleSet rules) =>
        rules.Rules.Select(r => $"{r.Index} {r.Name} [{string.Join(",", r.Topics)}] when={r.When} user={r.User.Describe()} time={r.Time?.Text} ops={Ops(r)} optional={string.Join(",", r.Ops.Select(o => o.Optional))}");

    /// <summary>The problems are exactly these: each expected one found once, none other, so a lost or an extra one fails.</summary>
    private static void AssertProblems(IReadOnlyList<string> problems, params (string Where, string What)[] expected)
    {
        var listing = string.Join("\n", problems);
        foreach (var (where, what) in expected)
        {
            Assert.True(problems.Count(p => p.StartsWith(where, StringComparison.Ordinal) && p.Contains(what, StringComparison.Ordinal)) == 1,
                $"expected exactly one problem '{where} ...{what}...' in:\n{listing}");
        }

        Assert.True(expected.Length == problems.Count, $"expected {expected.Length} problems, got {problems.Count}:\n{listing}");
    }
}
