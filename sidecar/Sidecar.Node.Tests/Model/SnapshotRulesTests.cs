using Sidecar.Node.Configuration;
using Sidecar.Node.Model;
using Sidecar.Store.Model;
using Sidecar.Store.Snapshots;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Model;

/// <summary>
/// A snapshot keeps the rules the API and ingest keep: a user GET refuses or a field POST cannot
/// update is refused at build time, every bad line listed, nothing written.
/// </summary>
public sealed class SnapshotRulesTests
{
    // Ids and names the API accepts or refuses, at and past the default limits.
    private static readonly string[] UserIds = ["u1", "a b/c", new string('x', 128), new string('x', 129), new string('é', 64), new string('é', 65), "", "a\nb"];
    private static readonly string[] Names = ["city", "A_b-c.9", new string('n', 128), new string('n', 129), "", "a b", "é", "a/b", "a\u0001"];

    [Fact]
    public void The_snapshot_accepts_exactly_the_user_ids_and_names_the_api_and_ingest_accept()
    {
        var rules = new EnvelopeRules(new ApiOptions(), new StoreOptions());
        foreach (var userId in UserIds)
        {
            var problems = new List<string>();
            var parsed = UserDocument.Parse(Line(userId, "city"), "v1", 100, ModelLimits.Default, problems);
            Assert.True((parsed is null) == (rules.CheckUserId(userId) is not null), $"user id '{userId}': snapshot {string.Join("; ", problems)}");
        }

        foreach (var name in Names)
        {
            foreach (var kind in new[] { "field", "list", "counter" })
            {
                var problems = new List<string>();
                var parsed = UserDocument.Parse(Line("u", name, kind), "v1", 100, ModelLimits.Default, problems);
                Assert.True((parsed is null) == (rules.CheckName(kind, name) is not null), $"{kind} name '{name}': snapshot {string.Join("; ", problems)}");
                string[] expected = rules.CheckName(kind, name) is { } reason ? [reason] : [];
                Assert.Equal(expected, problems);
            }
        }
    }

    [Fact]
    public void The_configured_limits_of_the_nodes_hold_for_the_snapshot()
    {
        var raised = new ModelLimits { MaxUserIdBytes = 1024, MaxNameLength = 1024 };
        var rules = new EnvelopeRules(new ApiOptions { MaxUserIdBytes = 1024, MaxNameLength = 1024 }, new StoreOptions());
        var (longId, longName) = (new string('x', 1000), new string('n', 1000));
        Assert.Null(rules.CheckUserId(longId));
        Assert.Null(rules.CheckName("field", longName));
        Assert.NotNull(UserDocument.Parse(Line(longId, longName), "v1", 100, raised, new List<string>()));

        var problems = new List<string>();
        Assert.Null(UserDocument.Parse(Line(longId, longName), "v1", 100, ModelLimits.Default, problems));
        Assert.Equal(["user id is longer than 128 bytes", "field name must be 1 to 128 characters"], problems);
    }

    [Fact]
    public void Every_problem_of_a_line_is_listed()
    {
        var problems = new List<string>();
        var line = """{"userId":"","fields":{"a b":1,"ok":2},"lists":{"l":"x","r/":["h"]},"counters":{"n":"many","c d":1}}"""u8;
        Assert.Null(UserDocument.Parse(line, "v1", 100, ModelLimits.Default, problems));
        Assert.Equal(
        [
            "user id is empty",
            "field name 'a b' may contain only letters, digits, '_', '-' and '.'",
            "list \"l\" must be an array of strings",
            "list name 'r/' may contain only letters, digits, '_', '-' and '.'",
            "counter name 'c d' may contain only letters, digits, '_', '-' and '.'",
            "counter \"n\" must be a 64-bit integer",
        ], problems);
    }

    [Fact]
    public void The_builder_refuses_input_that_breaks_the_rules_with_every_line_listed_and_writes_nothing()
    {
        using var dir = new TempDir();
        var input = dir.Sub("users.jsonl");
        File.WriteAllLines(input,
        [
            """{"userId":"a","fields":{"city":"Goa"}}""",
            "{\"userId\":\"" + new string('x', 129) + "\"}",
            """{"userId":"b","fields":{"home city":"Goa"}}""",
            "",
            """{"userId":"a","counters":{"views":1}}""",
            """not json""",
            """{"userId":"c","lists":{"recent":["h1"]}}""",
        ]);
        var output = dir.Sub("out");

        var refused = Assert.Throws<SnapshotInputException>(() => new SnapshotBuilder { Version = "v1" }.Build(input, output));

        Assert.Equal(4, refused.Total);
        Assert.Equal(4, refused.Problems.Count);
        Assert.Equal($"{input}:2: user id is longer than 128 bytes", refused.Problems[0]);
        Assert.Equal($"{input}:3: field name 'home city' may contain only letters, digits, '_', '-' and '.'", refused.Problems[1]);
        Assert.Equal($"{input}:5: user 'a' appears more than once (first on line 1)", refused.Problems[2]);
        Assert.StartsWith($"{input}:6: ", refused.Problems[3]);
        Assert.All(refused.Problems, p => Assert.Contains(p, refused.Message));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void The_builder_lists_the_first_problems_and_counts_the_rest()
    {
        using var dir = new TempDir();
        var input = dir.Sub("users.jsonl");
        File.WriteAllLines(input, Enumerable.Range(0, SnapshotBuilder.MaxProblemsListed + 5).Select(i => "{\"userId\":\"u" + i + "\",\"fields\":{\"bad name\":1}}"));

        var refused = Assert.Throws<SnapshotInputException>(() => new SnapshotBuilder { Version = "v1" }.Build(input, dir.Sub("out")));

        Assert.Equal(SnapshotBuilder.MaxProblemsListed + 5, refused.Total);
        Assert.Equal(SnapshotBuilder.MaxProblemsListed, refused.Problems.Count);
        Assert.EndsWith("... and 5 more", refused.Message);
    }

    [Fact]
    public void The_builder_takes_the_nodes_configured_limits()
    {
        using var dir = new TempDir();
        var input = dir.Sub("users.jsonl");
        File.WriteAllLines(input, ["{\"userId\":\"" + new string('x', 300) + "\",\"fields\":{\"" + new string('n', 200) + "\":1}}"]);

        Assert.Throws<SnapshotInputException>(() => new SnapshotBuilder { Version = "v1" }.Build(input, dir.Sub("default")));
        var built = new SnapshotBuilder { Version = "v1", Limits = new ModelLimits { MaxUserIdBytes = 300, MaxNameLength = 200 } }.Build(input, dir.Sub("raised"));
        Assert.Equal(1, built.Manifest.KeyCount);
        Assert.Throws<ArgumentException>(() => new SnapshotBuilder { Version = "v1", Limits = new ModelLimits { MaxNameLength = 0 } }.Build(input, dir.Sub("bad")));
    }

    private static byte[] Line(string userId, string name, string kind = "field")
    {
        var value = kind switch
        {
            "field" => "1",
            "list" => "[\"h\"]",
            _ => "2",
        };
        return System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["userId"] = userId,
            [kind + "s"] = new Dictionary<string, System.Text.Json.JsonElement> { [name] = System.Text.Json.JsonDocument.Parse(value).RootElement },
        }));
    }
}
