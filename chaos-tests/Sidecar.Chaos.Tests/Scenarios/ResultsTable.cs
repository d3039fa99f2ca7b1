namespace Sidecar.Chaos.Tests.Scenarios;

/// <summary>
/// Appends each scenario's row (scenario, faults, acknowledged, lost, time to converge, total
/// time) to $SIDECAR_CHAOS_RESULTS, default chaos-results.md next to the test assembly; the table
/// in docs/chaos.md is copied from there.
/// </summary>
internal static class ResultsTable
{
    private static readonly Lock Gate = new();

    public static string Path => Environment.GetEnvironmentVariable("SIDECAR_CHAOS_RESULTS") is { Length: > 0 } path
        ? path
        : System.IO.Path.Combine(AppContext.BaseDirectory, "chaos-results.md");

    public static void Append(string row)
    {
        lock (Gate)
        {
            if (!File.Exists(Path))
            {
                File.WriteAllText(Path, "| scenario | faults injected | acknowledged | lost | converged after heal | total |\n|---|---|---|---|---|---|\n");
            }

            File.AppendAllText(Path, row + "\n");
        }
    }
}
