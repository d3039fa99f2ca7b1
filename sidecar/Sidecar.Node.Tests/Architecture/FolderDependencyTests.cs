using Sidecar.Testing;

namespace Sidecar.Node.Tests.Architecture;

/// <summary>
/// The node's folders depend on each other without a cycle, so each can be read (and changed)
/// knowing only the folders below it. Read from the node's source files.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly Dictionary<string, SortedSet<string>> Node =
        FolderDependencies.Read(Path.Combine(Repo.Root, "sidecar", "Sidecar.Node"));

    [Fact]
    public void No_folder_of_the_node_depends_on_itself_through_others()
    {
        var cycle = FolderGraph.FindCycle(Node);
        Assert.True(cycle is null, $"the node's folders have a cycle: {string.Join(" -> ", cycle ?? [])}\n{Describe(Node)}");
    }

    [Fact]
    public void The_merge_rules_depend_on_no_other_folder_of_the_node() =>
        Assert.Empty(Node["Merge"]);

    [Fact]
    public void The_model_is_used_by_the_api_and_by_apply_and_uses_neither()
    {
        Assert.Contains("Model", Node["Api"]);
        Assert.Contains("Model", Node["Apply"]);
        Assert.DoesNotContain("Api", Node["Model"]);
        Assert.DoesNotContain("Apply", Node["Model"]);
        Assert.DoesNotContain("Ingest", Node["Model"]);
    }

    [Fact]
    public void The_swap_builds_on_apply_and_storage_and_ingest_builds_on_the_swap()
    {
        // Ingest's loop hands each batch to the swap's hook; the swap catches up with Apply's
        // pieces, never with the loop's.
        Assert.Contains("Versions", Node["Ingest"]);
        Assert.DoesNotContain("Ingest", Node["Versions"]);
        Assert.DoesNotContain("Versions", Node["Apply"]);
        Assert.DoesNotContain("Versions", Node["Storage"]);
    }

    [Fact]
    public void The_reader_sees_usings_qualified_and_relative_names_but_not_comments_or_members()
    {
        HashSet<string> folders = ["Api", "Ingest", "Merge", "Storage", "Configuration", "Kafka"];
        const string source = """
            using Sidecar.Node.Api;
            namespace Sidecar.Node.Health;
            /// <see cref="Kafka.UpdateProducer"/>
            internal sealed class X(Sidecar.Node.Ingest.IngestStatus status)
            {
                // Storage.VersionedStore is not referred to: this is a comment
                Merge.RequestWindow Window => default;
                object Config => builder.Configuration.Value;
            }
            """;
        Assert.Equal(["Api", "Ingest", "Kafka", "Merge"], FolderDependencies.Of(source, folders).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_cycle_is_found_and_named_and_an_acyclic_graph_has_none()
    {
        var cyclic = Graph(("Api", "Ingest"), ("Ingest", "Storage"), ("Storage", "Api"), ("Api", "Merge"));
        Assert.Equal(["Api", "Ingest", "Storage", "Api"], FolderGraph.FindCycle(cyclic));
        var diamond = Graph(("Api", "Ingest"), ("Api", "Model"), ("Ingest", "Model"), ("Model", "Merge"));
        Assert.Null(FolderGraph.FindCycle(diamond));
        Assert.Equal(["Merge", "Model", "Merge"], FolderGraph.FindCycle(Graph(("Model", "Merge"), ("Merge", "Model"))));
    }

    private static Dictionary<string, SortedSet<string>> Graph(params (string From, string To)[] edges) =>
        edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToDictionary(
            folder => folder,
            folder => new SortedSet<string>(edges.Where(e => e.From == folder).Select(e => e.To), StringComparer.Ordinal),
            StringComparer.Ordinal);

    private static string Describe(Dictionary<string, SortedSet<string>> graph) =>
        string.Join("\n", graph.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"  {g.Key} -> {string.Join(", ", g.Value)}"));
}
