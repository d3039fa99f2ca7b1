using System.Text.RegularExpressions;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>sidecarctl rules check, the real binary: the demo's rules file with sample events, and a bad file.</summary>
public sealed partial class RulesCheckCliTests
{
    private static string DemoRules => Path.Combine(Repo.Root, "compose", "rules", "clickstream.yaml");

    [GeneratedRegex(@"user (\S+)  id (e1-[A-Za-z0-9_-]{20})")]
    private static partial Regex EnvelopeLine();

    [Fact]
    public async Task The_demo_rules_are_good_and_map_sample_events_to_envelopes_with_event_time_stamps()
    {
        using var dir = new TempDir();
        var events = dir.Sub("events.jsonl");
        await File.WriteAllLinesAsync(events, [
            """{"type":"hotel_search","user":{"id":"u-1"},"ts":"2026-12-01T09:00:00Z","hotel":{"id":"hotel-7","city":"Kyoto"}}""",
            "",
            """{"type":"booking","user":{"id":"u-1"},"ts":1796115900000,"hotel":{"id":"hotel-7","city":"Kyoto"},"rooms":3}""",
            """{"topic":"clicks.b2b","partition":5,"offset":77,"value":{"type":"page_view","user":{"id":"corp-9"},"ts":"2026-12-01T09:10:00Z"}}""",
            """{"type":"newsletter","user":{"id":"u-2"}}""",
        ]);

        var (exit, output) = await Cli.RunAsync("rules", "check", DemoRules, "--events", events);
        Assert.True(exit == 0, output);
        foreach (var expected in new[]
        {
            "good, 3 rule(s) over clicks.b2b, clicks.b2c",
            "rule hotel-search", "rule booking", "rule page-view",
            "when    [/type] == 'booking'",
            "op      push recent <- /hotel/id (max 20)",
            "op      set lastPage = /page (optional)",
            "line 1 (clicks.b2c [0] @1): 1 envelope(s), rules hotel-search",
            "push recent <- \"hotel-7\" (max 20)",
            "set lastCity = \"Kyoto\"",
            "at 2026-12-01T09:00:00.000Z (logical 1)",
            "line 3 (clicks.b2c [0] @3): 1 envelope(s), rules booking",
            "incr bookings by 3",
            "at 2026-12-01T09:05:00.000Z (logical 3)",
            "line 4 (clicks.b2b [5] @77): 1 envelope(s), rules page-view",
            "incr views by 1",
            "at 2026-12-01T09:10:00.000Z (logical 77)",
            "line 5 (clicks.b2c [0] @5): skipped",
            "4 event(s): 3 mapped, 0 dead letter(s), 1 skipped",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        // An optional op whose value is missing is left out, not dead-lettered.
        Assert.DoesNotContain("set lastPage", output.Split("line 4")[1], StringComparison.Ordinal);

        // Ids are derived from the event's position: a second run (a redelivery) makes the same ones, and each event its own.
        var ids = EnvelopeLine().Matches(output).Select(m => m.Groups[2].Value).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(3, ids.Distinct().Count());
        var again = await Cli.RunAsync("rules", "check", DemoRules, "--events", events);
        Assert.Equal(ids, EnvelopeLine().Matches(again.Output).Select(m => m.Groups[2].Value));
    }

    [Fact]
    public async Task A_dead_letter_among_the_samples_is_named_with_its_rule_and_the_exit_code_is_1()
    {
        // The documented example holds one event that cannot be mapped (a booking without rooms).
        var (exit, output) = await Cli.RunAsync("rules", "check", DemoRules, "--events", Path.Combine(Repo.Root, "docs", "rules-example.jsonl"));
        Assert.True(exit == 1, output);
        Assert.Contains("dead letter (rule booking): incr bookings: /rooms is not in the event", output, StringComparison.Ordinal);
        Assert.Contains("7 event(s): 5 mapped, 1 dead letter(s), 1 skipped", output, StringComparison.Ordinal);

        using var dir = new TempDir();
        var events = dir.Sub("events.jsonl");
        await File.WriteAllLinesAsync(events, ["this is not json", """{"type":"hotel_search","user":{"id":"u-1"},"ts":"2026-12-01T09:00:00Z","hotel":{"city":"Oslo"}}"""]);
        (exit, output) = await Cli.RunAsync("rules", "check", DemoRules, "--events", events);
        Assert.True(exit == 1, output);
        Assert.Contains("line 1 (clicks.b2c [0] @1): dead letter: not JSON", output, StringComparison.Ordinal);
        Assert.Contains("line 2 (clicks.b2c [0] @2): dead letter (rule hotel-search): push recent: /hotel/id is not in the event", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_exits_2_with_every_problem_and_no_rules()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("bad.yaml");
        await File.WriteAllTextAsync(rules, """
            version: 1
            rules:
              - name: "bad name!"
                topics: [updates]
                user: /user/id
                ops:
                  - push: { list: recent, item: /hotel/id, max: 500 }
              - name: ok
                topics: [clicks.b2c]
                user: /user/id
                ops:
                  - incr: { counter: views }
                    optinal: true
            """);

        var (exit, output) = await Cli.RunAsync("rules", "check", rules, "--list-cap", "100");
        Assert.True(exit == 2, output);
        foreach (var where in new[] { "rules[0].name", "rules[0].topics", "rules[0].ops[0].push.max", "rules[1].ops[0].optinal" })
        {
            Assert.Contains(where, output, StringComparison.Ordinal);
        }

        Assert.Contains("4 problem(s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("rule ok", output, StringComparison.Ordinal);
    }
}
