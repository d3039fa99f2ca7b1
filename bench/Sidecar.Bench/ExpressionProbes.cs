using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Sidecar.Bench;

/// <summary>
/// What an expression can reach in each candidate: reflection, I/O, unbounded time, unbounded
/// memory, a parser's stack. Each probe is one expression run in its own child process
/// (<c>Sidecar.Bench expressions-probe CASE COLUMN</c>, heap capped at 1 GiB, killed after
/// <see cref="Timeout"/>), so one that loops, exhausts memory or overflows the stack is an outcome
/// in the table, not the end of the benchmark.
/// </summary>
internal static class ExpressionProbes
{
    public const string Command = "expressions-probe";

    private const string Marker = "PROBE-RESULT: ";
    private const string StartMarker = "PROBE-COMPILED";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private static readonly string Nest499 = new string('(', 499) + "1" + new string(')', 499);
    private static readonly string Nest10k = new string('(', 10_000) + "1" + new string(')', 10_000);

    /// <summary>The probes' event values: <c>type</c> (text) and <c>rooms</c> (number).</summary>
    public static IReadOnlyList<ExpressionParameter> Parameters { get; } =
        [new("type", "/type", ParameterKind.Text), new("rooms", "/rooms", ParameterKind.Number)];

    private static readonly (string Id, string Title)[] Columns =
    [
        ("ncalc", "NCalc (RuleExpression)"),
        ("dynamicexpresso", "DynamicExpresso, default"),
        ("jint", "Jint, default"),
        ("jint-constrained", "Jint, constrained"),
    ];

    // A null text: the candidate has no such construct at all. The Jint text runs in both Jint columns.
    private static readonly ProbeCase[] Cases =
    [
        new("reflection", "reflection from a value",
            "[/type].GetType()", "type.GetType().Assembly.FullName", "type.GetType().Assembly"),
        new("file", "read a file",
            "ReadAllText('/etc/hostname')", "System.IO.File.ReadAllText(\"/etc/hostname\")", "importNamespace('System.IO').File.ReadAllText('/etc/hostname')"),
        new("console", "write to the console",
            "WriteLine('probe')", "Console.WriteLine(\"probe\")", "console.log('probe')"),
        new("host-on", "read a file, host access switched on (DynamicExpresso EnableReflection(), Jint AllowClr())",
            null,
            "type.GetType().Assembly.GetType(\"System.IO.File\").GetMethod(\"ReadAllBytes\").Invoke(null, new object[] { \"/etc/hostname\" })",
            "importNamespace('System.IO').File.ReadAllText('/etc/hostname')",
            HostAccess: true),
        new("loop", "loop forever",
            "while (true) 1", "while (true) { }", "while (true) {}"),
        new("recursion", "recurse forever",
            null, null, "(function f() { return f(); })()"),
        new("nest-499", "499 nested parentheses (999 characters)",
            Nest499, Nest499, Nest499),
        new("nest-10k", "10,000 nested parentheses (20,001 characters; NCalc: the library without RuleExpression's 1,000-character cap)",
            Nest10k, Nest10k, Nest10k, RawNCalc: true),
        new("big-string", "make a 10M-character string (20 MB) in one call",
            "Replicate('x', 10000000)", "new string('x', 10000000).Length", "'x'.repeat(10000000).length"),
        new("alloc-loop", "allocate in a loop",
            null, null, "var a = []; while (true) a.push('x' + a.length);"),
        new("regex", "catastrophic regex backtracking",
            null,
            "System.Text.RegularExpressions.Regex.IsMatch(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\", \"(a+)+$\")",
            "/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')"),
    ];

    /// <summary>Runs every probe (two child processes at a time) and prints the table.</summary>
    public static void RunAll()
    {
        var outcomes = new ConcurrentDictionary<(string, string), string>();
        var work = Cases.SelectMany(c => Columns.Select(col => (Case: c, Column: col.Id))).ToArray();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = 2 }, item =>
            outcomes[(item.Case.Id, item.Column)] = item.Case.TextFor(item.Column) is null ? "— (no such construct)" : RunChildProcess(item.Case.Id, item.Column));

        Report.Header($"Expressions: safety probes (each in its own process, 1 GiB heap cap, killed after {Timeout.TotalSeconds:0} s; constrained Jint: {JintCandidate.Constraints})",
            ["probe", .. Columns.Select(c => c.Title)]);
        foreach (var probe in Cases)
        {
            Report.Row([probe.What, .. Columns.Select(c => (object)Cell(outcomes[(probe.Id, c.Id)]))]);
        }
    }

    /// <summary>The child's side: compiles and evaluates one probe, prints one line with what happened.</summary>
    public static int RunChild(IReadOnlyList<string> args)
    {
        var probe = Cases.Single(c => c.Id == args[0]);
        var column = args[1];
        var root = JsonSerializer.Deserialize<JsonElement>("""{"type":"hotel_search","rooms":2}""");
        Func<object?> evaluate;
        try
        {
            evaluate = Prepare(probe, column, root);
        }
        catch (Exception e)
        {
            Console.WriteLine(Marker + "refused when compiled: " + Describe(e));
            return 0;
        }

        Console.WriteLine(StartMarker);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var result = evaluate();
            Console.WriteLine(Marker + $"returned {Format(result)} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        }
        catch (Exception e)
        {
            Console.WriteLine(Marker + "failed when evaluated: " + Describe(e));
        }

        return 0;
    }

    private static Func<object?> Prepare(ProbeCase probe, string column, JsonElement root)
    {
        var text = probe.TextFor(column)!;
        return column switch
        {
            "ncalc" when probe.RawNCalc => NCalcCandidate.PrepareRaw(text),
            "ncalc" => new NCalcCandidate().Prepare(text, root),
            "dynamicexpresso" when probe.HostAccess => DynamicExpressoCandidate.PrepareWithReflection(text, root),
            "dynamicexpresso" => new DynamicExpressoCandidate().Prepare(text, root),
            "jint" or "jint-constrained" when probe.HostAccess => new JintCandidate(column == "jint-constrained").PrepareWithClr(text, root),
            "jint" or "jint-constrained" => new JintCandidate(column == "jint-constrained").Prepare(text, root),
            _ => throw new ArgumentException($"no column {column}"),
        };
    }

    private static string RunChildProcess(string probe, string column)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ExpressionProbes).Assembly.Location);
        }

        foreach (var arg in new[] { Command, probe, column })
        {
            start.ArgumentList.Add(arg);
        }

        // A probe that allocates without bound fails at 1 GiB instead of taking the shared machine's memory.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
        start.Environment["DOTNET_gcServer"] = "0";
        // The clock starts when the child says the probe is compiled: a loaded machine's process
        // start and JIT are not the probe's time.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                result.TrySetResult("");
            }
            else if (e.Data == StartMarker)
            {
                started.TrySetResult();
            }
            else if (e.Data.StartsWith(Marker, StringComparison.Ordinal))
            {
                started.TrySetResult();
                result.TrySetResult(e.Data[Marker.Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                errors.Enqueue(e.Data.Trim());
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        Task.WaitAny(started.Task, exited, Task.Delay(StartTimeout));
        var done = started.Task.IsCompleted && Task.WaitAny([result.Task, exited], Timeout) >= 0;
        if (!done && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return started.Task.IsCompleted ? $"did not return in {Timeout.TotalSeconds:0} s (killed)" : "the child did not start (killed)";
        }

        process.WaitForExit();
        if (result.Task.IsCompleted && result.Task.Result.Length > 0)
        {
            return result.Task.Result;
        }

        return $"the process died (exit code {process.ExitCode}): {Shorten(errors.FirstOrDefault() ?? "", 60)}";
    }

    private static string Describe(Exception e)
    {
        var inner = e is System.Reflection.TargetInvocationException { InnerException: { } i } ? i : e;
        var message = Shorten(inner.Message.Split('\n')[0], 80);
        // NCalcCandidate reports RuleExpression's own refusals as InvalidOperationException: the message says it all.
        return inner is InvalidOperationException && inner.GetType() == typeof(InvalidOperationException) ? message : $"{inner.GetType().Name}: {message}";
    }

    private static string Format(object? result) => result switch
    {
        null => "null",
        string s when s.Length > 40 => $"a {s.Length:N0}-character string",
        string s => $"'{s.Trim()}'",
        byte[] b => $"a byte[] of {b.Length} (the file's bytes)",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Shorten(result.ToString() ?? "", 60),
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private sealed record ProbeCase(string Id, string What, string? NCalc, string? DynamicExpresso, string? Jint, bool HostAccess = false, bool RawNCalc = false)
    {
        public string? TextFor(string column) => column switch
        {
            "ncalc" => NCalc,
            "dynamicexpresso" => DynamicExpresso,
            _ => Jint,
        };
    }
}
