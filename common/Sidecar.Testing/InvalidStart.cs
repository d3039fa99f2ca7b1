namespace Sidecar.Testing;

/// <summary>
/// Starts a program with a configuration it must refuse and waits for it to exit (the node, the
/// proxy and the replicator exit with <c>StartupValidation.ExitCode</c>, 2, listing every problem).
/// The caller asserts the exit code and the output; the process is returned exited.
/// </summary>
public static class InvalidStart
{
    public static async Task<ChildProcess> RunAsync(string name, string dll, params string[] args)
    {
        var process = ChildProcess.StartDotnet(name, dll, ["--urls", $"http://127.0.0.1:{ChildProcess.FreePort()}", .. args]);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
