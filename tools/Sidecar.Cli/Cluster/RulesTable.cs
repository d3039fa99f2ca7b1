using System.Globalization;
using Sidecar.Common.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sidecar.Cli.Cluster;

/// <summary>
/// The ingest rules table of one node in <c>sidecarctl status</c>: per rule its topics, counts and
/// match rate; above it the file's hash, when it was loaded and the source lag; below it the error of
/// a refused reload (the old rules stay in force, so the table still shows them). A node that runs no
/// rules has no table.
/// </summary>
internal static class RulesTable
{
    public static readonly string[] Columns = ["rule", "topics", "matched", "matched/s", "ops", "dead-lettered"];

    /// <summary>How many source partitions are named beside the total lag: the ones furthest behind.</summary>
    private const int LagPartitionsShown = 4;

    /// <summary>The table for <paramref name="node"/>, or null when it reports no rules.</summary>
    public static IRenderable? For(NodeFacts node)
    {
        if (node.Rules is not { } rules)
        {
            return null;
        }

        // The summary is a line of its own, not the table's title: a title wraps at the (narrow) table's width.
        var table = new Table().Border(TableBorder.Rounded).AddColumns(Columns);
        for (var col = 2; col < Columns.Length; col++)
        {
            table.Columns[col].RightAligned();
        }

        foreach (var row in RowsOf(rules))
        {
            table.AddRow(row.Select((cell, i) => i == 5 && cell != "0" ? $"[red]{Markup.Escape(cell)}[/]" : Markup.Escape(cell)).ToArray());
        }

        if (rules.Rules.Count == 0)
        {
            table.AddRow("-", "no rules loaded", "", "", "", "");
        }

        var parts = new List<IRenderable> { new Markup("[bold]" + Markup.Escape(Title(node, rules)) + "[/]"), table };
        if (rules.LastError is { } error)
        {
            parts.Add(new Markup($"[red]reload refused, the rules above stay:[/] {Markup.Escape(error)}"));
        }

        return new Rows(parts);
    }

    /// <summary>One row per rule, in file order: the cells as printed.</summary>
    public static IReadOnlyList<string[]> RowsOf(RulesStatus rules) => rules.Rules.Select(r => new[]
    {
        r.Name,
        string.Join(", ", r.Topics),
        r.Matched.ToString(CultureInfo.InvariantCulture),
        StatusCommand.Number(r.MatchedPerSecond, "F1"),
        r.Ops.ToString(CultureInfo.InvariantCulture),
        r.DeadLettered.ToString(CultureInfo.InvariantCulture),
    }).ToList();

    /// <summary>The node, the file and its hash, the group, the source lag (total and the partitions furthest behind) and the skipped events.</summary>
    public static string Title(NodeFacts node, RulesStatus rules)
    {
        var loaded = rules.LoadedAt is { } at ? $", loaded {StatusCommand.Clock(at)}" : "";
        var lag = rules.SourceLag.Values.Sum();
        var behind = rules.SourceLag.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(LagPartitionsShown).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")).ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"Rules of {node.Id} ({node.Datacenter}): {rules.File} hash {rules.Hash ?? "none loaded"}{loaded}, group {rules.GroupId}, "
            + $"source lag {lag}{(behind.Count > 0 ? " (" + string.Join(", ", behind) + ")" : "")}, skipped {rules.Skipped}");
    }
}
