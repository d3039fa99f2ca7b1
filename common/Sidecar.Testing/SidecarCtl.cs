namespace Sidecar.Testing;

/// <summary>Runs the real <c>sidecarctl</c> as a child process and returns its exit code and output.</summary>
public static class SidecarCtl
{
    public static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        await using var cli = ChildProcess.StartDotnet("sidecarctl", Repo.Program("tools/Sidecar.Cli", "sidecarctl"), args);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await cli.WaitForExitAsync(cts.Token);
        // Output lines arrive asynchronously; give the last ones a moment.
        await Task.Delay(100);
        return (cli.ExitCode, cli.Output);
    }
}
