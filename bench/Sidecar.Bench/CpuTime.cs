using System.Globalization;

namespace Sidecar.Bench;

/// <summary>CPU time (user + system) a process has used, from /proc: robust to a noisy machine where wall time is not.</summary>
internal static class CpuTime
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Of(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may hold spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    public static TimeSpan OfThisProcess() => Of(Environment.ProcessId);
}
