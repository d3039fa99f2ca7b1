using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;
using Spectre.Console;

namespace Sidecar.Cli.Progress;

/// <summary>
/// Progress bars for long work (snapshot build and publish, a rollout followed with --wait), drawn
/// on the terminal only: with the output redirected (scripts, CI, tests) the commands print just
/// what they printed before. What the work itself writes to the console during the live display is
/// held back and written once the bars are done, so the two never interleave.
/// </summary>
internal static class ProgressBars
{
    private static bool Interactive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>Runs a snapshot step with one bar per stage it reports.</summary>
    public static T Snapshot<T>(Func<IProgress<SnapshotProgress>?, T> work)
    {
        if (!Interactive)
        {
            return work(null);
        }

        return Live((ctx, _) =>
        {
            var bars = new Dictionary<string, ProgressTask>();
            var reporter = new Reporter<SnapshotProgress>(p =>
            {
                lock (bars)
                {
                    if (!bars.TryGetValue(p.Stage, out var bar))
                    {
                        bars[p.Stage] = bar = ctx.AddTask(p.Stage);
                    }

                    bar.MaxValue = Math.Max(1, p.Total);
                    bar.Value = p.Done;
                }
            });
            return Task.FromResult(work(reporter));
        }).GetAwaiter().GetResult();
    }

    /// <summary>Follows a rollout round: the YES votes of its participants, then their acknowledgements.</summary>
    public static Task<int> RolloutAsync(Func<Action<RolloutStatus>, Task<int>> follow)
    {
        if (!Interactive)
        {
            return follow(_ => { });
        }

        return Live(async (ctx, _) =>
        {
            var votes = ctx.AddTask("votes (YES)");
            var acks = ctx.AddTask("acknowledgements");
            return await follow(status =>
            {
                if (status.Round is not { } round)
                {
                    return;
                }

                var participants = Math.Max(1, round.Proposal.Participants.Count);
                votes.Description = $"round {round.Proposal.Round} {round.Proposal.Version}: votes (YES)";
                votes.MaxValue = participants;
                votes.Value = round.Votes.Count(v => v.Vote.Yes);
                acks.MaxValue = participants;
                acks.Value = round.Acks.Count;
                if (round.Decision is { Committed: false })
                {
                    votes.Description = $"round {round.Proposal.Round} {round.Proposal.Version}: aborted";
                    votes.StopTask();
                    acks.StopTask();
                }
            });
        });
    }

    private static async Task<T> Live<T>(Func<ProgressContext, IAnsiConsole, Task<T>> work)
    {
        var terminal = Console.Out;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(terminal) });
        using var held = new StringWriter();
        Console.SetOut(held);
        try
        {
            return await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(ctx => work(ctx, console));
        }
        finally
        {
            Console.SetOut(terminal);
            terminal.Write(held.ToString());
        }
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
