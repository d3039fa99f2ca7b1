using Sidecar.Cli.Cluster;
using Sidecar.Common.Contracts;
using Spectre.Console;

namespace Sidecar.Stack.Tests;

/// <summary>The rules table of <c>sidecarctl status</c>, built from a node's status as /admin/status reports it.</summary>
public sealed class RulesTableTests
{
    private static readonly RulesStatus Rules = new(
        File: "/etc/sidecar/clickstream.yaml",
        Hash: "5e6dd1db3cce56f6",
        LoadedAt: new DateTimeOffset(2026, 12, 1, 9, 30, 15, TimeSpan.Zero),
        LastError: "rules[0].ops[0].push.max: 500 is more than the list cap 100",
        GroupId: "sidecar-rules",
        Rules:
        [
            new RuleStatus("hotel-search", ["clicks.b2c", "clicks.b2b"], 1200, 3600, 0, 41.5),
            new RuleStatus("booking", ["clicks.b2c"], 30, 60, 2, 0.25),
        ],
        SourceLag: new() { ["clicks.b2c:0"] = 7, ["clicks.b2c:3"] = 0, ["clicks.b2b:1"] = 12 },
        Skipped: 9);

    [Fact]
    public void Each_rule_is_a_row_in_file_order_with_its_counts_and_rate()
    {
        var rows = RulesTable.RowsOf(Rules);
        Assert.Equal(["hotel-search", "clicks.b2c, clicks.b2b", "1200", "41.5", "3600", "0"], rows[0]);
        Assert.Equal(["booking", "clicks.b2c", "30", "0.2", "60", "2"], rows[1]);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public void The_rendered_table_shows_the_hash_the_source_lag_and_the_refused_reload()
    {
        var text = Render(RulesTable.For(Node(Rules))!);
        foreach (var expected in new[]
        {
            "Rules of a1 (dc-a): /etc/sidecar/clickstream.yaml hash 5e6dd1db3cce56f6, loaded 09:30:15, group sidecar-rules",
            "source lag 19 (clicks.b2b:1 12, clicks.b2c:0 7), skipped 9",
            "rule", "topics", "matched/s", "dead-lettered", "hotel-search", "41.5", "3600",
            "reload refused, the rules above stay: rules[0].ops[0].push.max: 500 is more than the list cap 100",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_node_without_rules_has_no_table_and_one_with_none_loaded_says_so()
    {
        Assert.Null(RulesTable.For(Node(null)));
        var refused = Rules with { Hash = null, LoadedAt = null, Rules = [], SourceLag = [] };
        var text = Render(RulesTable.For(Node(refused))!);
        Assert.Contains("hash none loaded, group sidecar-rules, source lag 0, skipped 9", text, StringComparison.Ordinal);
        Assert.Contains("no rules loaded", text, StringComparison.Ordinal);
    }

    private static NodeFacts Node(RulesStatus? rules) =>
        new("a1", "dc-a", "http://127.0.0.1:7111", "passing", null, "v1", "v1", true, 0, 10, 1, 1, 1, null, rules);

    private static string Render(Spectre.Console.Rendering.IRenderable table)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 250;
        console.Write(table);
        return writer.ToString();
    }
}
