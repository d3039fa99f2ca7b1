using Sidecar.Node.Tests.Integration.Rules;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>A node given a bad rules file does not start: it lists every problem and exits with code 2.</summary>
public sealed class RulesStartupTests
{
    [Fact]
    public async Task A_bad_rules_file_stops_the_node_with_every_problem()
    {
        using var dir = new TempDir();
        var rules = dir.Sub("rules.yaml");
        RuleFiles.Write(rules, RuleFiles.Bad);
        await using var process = await InvalidStart.RunAsync("node-bad-rules", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            "--Node:DataRoot", dir.Sub("n"), "--Rules:File", rules);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("unknown function 'nosuchfunction'", process.Output);
        Assert.Contains("max: must be a whole number from 1", process.Output);
        Assert.Contains("is the name of an earlier rule", process.Output);
        Assert.Contains("is one of the node's own topics", process.Output);
        Assert.False(Directory.Exists(dir.Sub("n")), "a node with a bad rules file must not touch its data root");
    }

    [Fact]
    public async Task A_missing_rules_file_stops_the_node()
    {
        using var dir = new TempDir();
        await using var process = await InvalidStart.RunAsync("node-no-rules", Repo.Program("sidecar/Sidecar.Node", "Sidecar.Node"),
            "--Node:DataRoot", dir.Sub("n"), "--Rules:File", dir.Sub("absent.yaml"));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("does not exist", process.Output);
    }
}
