using System.Text.RegularExpressions;

namespace Sidecar.Node.Tests.Architecture;

/// <summary>
/// Which of the node's folders each folder's source refers to: <c>using Sidecar.Node.X;</c>, a
/// fully qualified <c>Sidecar.Node.X.</c>, or a name qualified from the node's namespace
/// (<c>X.Type</c>, which resolves to <c>Sidecar.Node.X.Type</c> inside it). Read from the source, not
/// the assembly: a reference in a method body or a cref counts as much as one in a signature.
/// </summary>
internal static partial class FolderDependencies
{
    /// <summary>Folder → the other folders it refers to, for every folder of <paramref name="projectDir"/>
    /// that holds source (files at the project's root, the composition root, refer to everything).</summary>
    public static Dictionary<string, SortedSet<string>> Read(string projectDir)
    {
        var folders = Directory.GetDirectories(projectDir)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(projectDir, name!), "*.cs", SearchOption.AllDirectories).Any())
            .Select(name => name!)
            .ToHashSet(StringComparer.Ordinal);
        return folders.ToDictionary(
            folder => folder,
            folder => new SortedSet<string>(
                Directory.EnumerateFiles(Path.Combine(projectDir, folder), "*.cs", SearchOption.AllDirectories)
                    .SelectMany(file => Of(File.ReadAllText(file), folders))
                    .Where(other => other != folder),
                StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>The folders among <paramref name="folders"/> that one file's source refers to.</summary>
    public static IEnumerable<string> Of(string source, IReadOnlySet<string> folders)
    {
        var code = LineComment().Replace(source, "");
        foreach (Match match in Qualified().Matches(code))
        {
            if (folders.Contains(match.Groups[1].Value))
            {
                yield return match.Groups[1].Value;
            }
        }

        foreach (Match match in Relative().Matches(code))
        {
            if (folders.Contains(match.Groups[1].Value))
            {
                yield return match.Groups[1].Value;
            }
        }
    }

    // A "//" comment that is not a "///" doc comment (crefs there are checked by the compiler).
    [GeneratedRegex(@"(?<!/)//(?!/).*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\bSidecar\.Node\.(\w+)")]
    private static partial Regex Qualified();

    // "Merge.RequestWindow", not "builder.Configuration" or "Sidecar.Node.Merge" (counted above).
    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\.[A-Z]\w*")]
    private static partial Regex Relative();
}
