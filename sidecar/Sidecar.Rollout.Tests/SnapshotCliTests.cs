using Sidecar.Store.Snapshots;
using Sidecar.Testing;

namespace Sidecar.Rollout.Tests;

/// <summary>sidecarctl snapshot build and publish on bad input: a clear error, nothing half written.</summary>
public sealed class SnapshotCliTests
{
    [Fact]
    public async Task Build_refuses_a_bad_line_or_a_repeated_user_with_the_reason_and_writes_nothing()
    {
        using var dir = new TempDir();
        var input = dir.Sub("users.jsonl");
        await File.WriteAllLinesAsync(input, ["""{"userId":"a","fields":{"x":1}}""", """{"userId":"b","counters":{"n":"many"}}"""]);
        var (exit, output) = await RunAsync("snapshot", "build", "--input", input, "--out", dir.Sub("out"), "--version", "v1");
        Assert.Equal(2, exit);
        Assert.Contains("users.jsonl:2: counter \"n\" must be a 64-bit integer", output);
        Assert.False(Directory.Exists(dir.Sub("out")));

        await File.WriteAllLinesAsync(input, ["""{"userId":"a"}""", """{"userId":"b"}""", """{"userId":"a"}"""]);
        (exit, output) = await RunAsync("snapshot", "build", "--input", input, "--out", dir.Sub("out"), "--version", "v1");
        Assert.Equal(2, exit);
        Assert.Contains("user 'a' appears more than once", output);
        Assert.False(Directory.Exists(dir.Sub("out")));
    }

    [Fact]
    public async Task Publish_is_idempotent_and_refuses_another_snapshot_under_a_published_id()
    {
        using var dir = new TempDir();
        await using var consul = await ConsulAgent.StartAsync("dc-a");
        var input = dir.Sub("users.jsonl");
        await File.WriteAllLinesAsync(input, ["""{"userId":"a","fields":{"x":1}}"""]);
        Assert.Equal(0, (await RunAsync("snapshot", "build", "--input", input, "--out", dir.Sub("one"), "--version", "v1")).Exit);
        await File.WriteAllLinesAsync(input, ["""{"userId":"a","fields":{"x":2}}"""]);
        Assert.Equal(0, (await RunAsync("snapshot", "build", "--input", input, "--out", dir.Sub("two"), "--version", "v1")).Exit);

        string[] registry = ["--registry", dir.Sub("registry"), "--consul", consul.Address.ToString()];
        Assert.Equal(0, (await RunAsync(["snapshot", "publish", dir.Sub("one"), .. registry])).Exit);
        Assert.Equal(0, (await RunAsync(["snapshot", "publish", dir.Sub("one"), .. registry])).Exit);
        var (exit, output) = await RunAsync(["snapshot", "publish", dir.Sub("two"), .. registry]);
        Assert.Equal(1, exit);
        Assert.Contains("already holds a different snapshot of version 'v1'", output);
        SnapshotVerifier.Verify(Path.Combine(dir.Sub("registry"), "v1"), "v1");

        var list = await RunAsync("snapshot", "list", "--consul", consul.Address.ToString());
        Assert.Contains("v1", list.Output);
    }

    private static Task<(int Exit, string Output)> RunAsync(params string[] args) => Cli.RunAsync(args);
}
