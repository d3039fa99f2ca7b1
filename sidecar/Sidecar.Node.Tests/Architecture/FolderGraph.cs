namespace Sidecar.Node.Tests.Architecture;

/// <summary>Cycles in a dependency graph of folders.</summary>
internal static class FolderGraph
{
    /// <summary>One cycle as a path that starts and ends at the same folder (e.g. Api, Ingest, Api),
    /// or null when the graph has none. Folders are visited in name order, so the answer is stable.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> edges)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start, edges, done, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static List<string>? Visit(string folder, IReadOnlyDictionary<string, SortedSet<string>> edges, HashSet<string> done, List<string> path)
    {
        if (path.IndexOf(folder) is var at and >= 0)
        {
            return [.. path[at..], folder];
        }

        if (done.Contains(folder))
        {
            return null;
        }

        path.Add(folder);
        foreach (var next in edges.GetValueOrDefault(folder) ?? [])
        {
            if (Visit(next, edges, done, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        done.Add(folder);
        return null;
    }
}
