namespace Sidecar.Testing;

/// <summary>Polls a condition against a live process, failing with its output when it dies or time runs out.</summary>
public static class Wait
{
    /// <summary>How long a process may take to start listening: generous, because a loaded 2-core
    /// CI machine can take tens of seconds to start a .NET process.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public static async Task UntilAsync(ChildProcess process, string what, Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited ({process.ExitCode}) while waiting for {what}:\n{process.Output}");
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or a moment of unavailability.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{process.Name}: no {what} within {timeout}:\n{process.Output}");
            }

            await Task.Delay(100);
        }
    }
}
