using Sidecar.Common.Contracts;
using Spectre.Console;

namespace Sidecar.Cli.Cluster;

/// <summary>The tables of <c>sidecarctl status</c>: datacenters, nodes, each node's ingest rules, rollouts, replication, proxies, a user's route.</summary>
internal static class StatusTables
{
    public static void Write(IAnsiConsole console, ClusterFacts facts, UserRoute? route)
    {
        console.MarkupLine($"[bold]Sidecar status[/] at {StatusCommand.Clock(facts.At)} UTC from Consul {Markup.Escape(facts.Consul)}"
            + (facts.Dataset == DatasetName.Default ? "" : $", dataset [bold]{Markup.Escape(facts.Dataset)}[/]"));
        foreach (var problem in facts.Problems)
        {
            console.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
        }

        console.Write(Nodes(facts));
        if (Datasets(facts) is { } datasets)
        {
            console.Write(datasets);
        }

        foreach (var node in facts.Datacenters.SelectMany(d => d.Nodes))
        {
            if (RulesTable.For(node) is { } rules)
            {
                console.Write(rules);
            }
        }
        foreach (var dc in facts.Datacenters.Where(d => d.Rollout is not null))
        {
            console.Write(Rollout(dc.Name, dc.Rollout!));
        }

        if (facts.Replicators.Count > 0)
        {
            console.Write(Replication(facts));
        }

        if (facts.Proxies.Count > 0)
        {
            console.Write(Proxies(facts));
        }

        if (route is not null)
        {
            console.Write(Route(route));
        }
    }

    private static Table Nodes(ClusterFacts facts)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Datacenters and nodes[/]")
            .AddColumns("datacenter", "committed", "node", "url", "health", "version", "caught up", "lag", "applied", "req/s", "mean ms", "p99 ms");
        for (var col = 7; col < 12; col++)
        {
            table.Columns[col].RightAligned();
        }

        foreach (var dc in facts.Datacenters)
        {
            var committed = Markup.Escape(dc.Committed ?? "?");
            if (dc.Error is not null)
            {
                table.AddRow(Bold(dc.Name), committed, "[red]unreachable[/]", Markup.Escape(dc.Error), "", "", "", "", "", "", "", "");
                continue;
            }

            if (dc.Nodes.Count == 0)
            {
                table.AddRow(Bold(dc.Name), committed, "[yellow]no nodes registered[/]", "", "", "", "", "", "", "", "", "");
            }

            var first = true;
            foreach (var n in dc.Nodes)
            {
                var version = n.Version is null ? "-" : n.Version == dc.Committed ? Markup.Escape(n.Version) : $"[yellow]{Markup.Escape(n.Version)}[/]";
                table.AddRow(first ? Bold(dc.Name) : "", first ? committed : "", Markup.Escape(n.Id), Markup.Escape(n.Url), Health(n.Health), version,
                    n.CaughtUp switch { true => "yes", false => "[yellow]no[/]", null => "-" },
                    StatusCommand.Number(n.Lag), StatusCommand.Number(n.Applied), StatusCommand.Number(n.RequestsPerSecond, "F1"),
                    StatusCommand.Number(n.LatencyMsMean, "F2"), StatusCommand.Number(n.LatencyMsP99, "F2"));
                first = false;
            }
        }

        return table;
    }

    /// <summary>Every dataset's live version on every node (from Consul), when any node serves more than the default one.</summary>
    private static Table? Datasets(ClusterFacts facts)
    {
        var nodes = facts.Datacenters.SelectMany(d => d.Nodes).ToList();
        var names = nodes.SelectMany(n => n.Datasets?.Keys ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        if (names.Count < 2)
        {
            return null;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Datasets[/] (live version per node)").AddColumns(["node", "datacenter", .. names]);
        foreach (var n in nodes)
        {
            table.AddRow([Markup.Escape(n.Id), Markup.Escape(n.Datacenter), .. names.Select(d => n.Datasets?.GetValueOrDefault(d) is { } v ? Markup.Escape(v) : "[grey]not served[/]")]);
        }

        return table;
    }

    private static Table Rollout(string dc, RolloutFacts r)
    {
        var state = r.InProgress ? "[yellow]in progress[/]" : r.Decision == "commit" ? "[green]committed[/]" : $"[red]{Markup.Escape(r.Decision)}[/]";
        var title = r.Round == 0
            ? $"[bold]{Markup.Escape(dc)} rollout[/]: request pending for {Markup.Escape(r.PendingRequest ?? r.Version)}"
            : $"[bold]{Markup.Escape(dc)} rollout[/] round {r.Round}: {Markup.Escape(r.Version)} (scope {Markup.Escape(r.Scope)}, coordinator {Markup.Escape(r.Coordinator)}) {state}"
              + (r.Reason is null ? "" : $" - {Markup.Escape(r.Reason)}");
        var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumns("node", "datacenter", "vote", "reason", "ack");
        foreach (var v in r.Votes)
        {
            var vote = v.Vote switch { "yes" => "[green]YES[/]", "no" => "[red]NO[/]", _ => "[grey]none yet[/]" } + (v.SessionLost ? " [red](session lost)[/]" : "");
            table.AddRow(Markup.Escape(v.Node), Markup.Escape(v.Datacenter), vote, Markup.Escape(v.Reason ?? ""), Markup.Escape(v.Ack ?? "-"));
        }

        if (r.Votes.Count == 0)
        {
            table.AddRow("-", "-", "-", "-", "-");
        }

        return table;
    }

    private static Table Replication(ClusterFacts facts)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Replication[/]")
            .AddColumns("direction", "url", "state", "lag (records)", "mirrored", "records/s", "p99 ms", "gaps", "stopped partitions");
        for (var i = 3; i < 9; i++)
        {
            table.Columns[i].RightAligned();
        }

        foreach (var r in facts.Replicators)
        {
            var state = !r.Up ? $"[red]down[/] {Markup.Escape(r.Error ?? "")}" : r.StoppedPartitions > 0 || r.Gaps > 0 ? "[red]gap[/]" : "[green]up[/]";
            table.AddRow(Markup.Escape($"{r.Source} -> {r.Target}"), Markup.Escape(r.Url), state, StatusCommand.Number(r.LagRecords), StatusCommand.Number(r.Records),
                StatusCommand.Number(r.RecordsPerSecond, "F1"), StatusCommand.Number(r.LatencyMsP99, "F1"), StatusCommand.Number(r.Gaps), StatusCommand.Number(r.StoppedPartitions));
        }

        return table;
    }

    private static Table Proxies(ClusterFacts facts)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Proxies[/]").AddColumns("url", "datacenter", "state", "req/s", "retries", "failovers");
        foreach (var p in facts.Proxies)
        {
            table.AddRow(Markup.Escape(p.Url), Markup.Escape(p.Datacenter ?? "-"), p.Up ? "[green]up[/]" : $"[red]down[/] {Markup.Escape(p.Error ?? "")}",
                StatusCommand.Number(p.RequestsPerSecond, "F1"), StatusCommand.Number(p.Retries), StatusCommand.Number(p.Failovers));
        }

        return table;
    }

    private static Table Route(UserRoute route)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Route of user {Markup.Escape(route.UserId)}[/]")
            .AddColumns("proxy", "node", "datacenter", "kind", "datacenter order", "reason");
        foreach (var p in route.Proxies)
        {
            table.AddRow(Markup.Escape(p.Proxy), Markup.Escape(p.Node ?? "-"), Markup.Escape(p.Datacenter ?? "-"), Markup.Escape(p.Kind ?? p.Error ?? "-"),
                Markup.Escape(string.Join(" > ", p.Order)), Markup.Escape(p.Reason ?? ""));
        }

        return table;
    }

    private static string Health(string health) => health switch
    {
        "passing" => "[green]passing[/]",
        "warning" => "[yellow]warning[/]",
        _ => $"[red]{Markup.Escape(health)}[/]",
    };

    private static string Bold(string text) => $"[bold]{Markup.Escape(text)}[/]";
}
