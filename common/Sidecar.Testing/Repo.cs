namespace Sidecar.Testing;

/// <summary>Where the repository and the built programs are.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The path of a built program's dll, e.g. Program("sidecar/Sidecar.Node", "Sidecar.Node").</summary>
    public static string Program(string projectDir, string assembly)
    {
        var path = Path.Combine(Root, projectDir, "bin", Configuration, "net10.0", "linux-x64", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build Sidecar.sln first");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sidecar.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Sidecar.sln not found above " + AppContext.BaseDirectory);
    }
}
