using System.Diagnostics;
using Sidecar.Chaos.Tests.Topology;

namespace Sidecar.Chaos.Tests.Workload;

/// <summary>Waits until the checker passes on every node (which includes identical digests).</summary>
internal static class Convergence
{
    /// <summary>Time from the call until every invariant held; throws with every violation left at the timeout.</summary>
    public static Task<TimeSpan> WaitAsync(Deployment deployment, Clients clients, TimeSpan timeout, Action<string> log) =>
        WaitAsync(deployment, () => Checker.CheckAsync(clients.History, clients.Users, deployment.Nodes), timeout, log);

    /// <summary>The same with another checker (every violation; empty when all holds).</summary>
    public static async Task<TimeSpan> WaitAsync(Deployment deployment, Func<Task<List<string>>> check, TimeSpan timeout, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var logged = TimeSpan.Zero;
        List<string> problems;
        while (true)
        {
            problems = await check();
            if (problems.Count == 0)
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed - logged > TimeSpan.FromSeconds(5))
            {
                logged = clock.Elapsed;
                log($"converging after {clock.Elapsed.TotalSeconds:F0} s: {problems.Count} violations left, e.g. {problems[0]}");
            }

            if (clock.Elapsed > timeout)
            {
                break;
            }

            await Task.Delay(500);
        }

        throw new ConvergenceException(problems, await deployment.LogsAsync());
    }
}

internal sealed class ConvergenceException(List<string> problems, string logs)
    : Exception($"not converged: {problems.Count} violations:\n{string.Join('\n', problems.Take(40))}\n\nlogs:\n{logs}")
{
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Acknowledged writes the nodes do not hold.</summary>
    public int Lost => Problems.Count(p => p.Contains("lost", StringComparison.Ordinal));
}
