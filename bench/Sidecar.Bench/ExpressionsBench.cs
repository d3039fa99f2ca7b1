using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Sidecar.Rules;
using Sidecar.Rules.Mapping;

namespace Sidecar.Bench;

/// <summary>
/// The expression libraries weighed for the ingest rules (issue 15), side by side in one process:
/// the same condition and value expression over the same parsed events, compiled once and
/// evaluated per event; then the whole mapping of the rules library; then the safety probes.
/// </summary>
internal static class ExpressionsBench
{
    private const int Runs = 5;
    private const int WarmCompiles = 100;

    // The design's rules file (docs/rules.md): what a node maps a hotel_search event with.
    private const string RulesYaml = """
        version: 1
        rules:
          - name: hotel-search
            topics: [clicks.b2c]
            when: "[/type] == 'hotel_search'"
            user: /user/id
            time: /ts
            ops:
              - push: { list: recent, item: /hotel/id, max: 20 }
              - set:  { field: lastCity, value: /hotel/city }
              - incr: { counter: searches }
          - name: booking
            topics: [clicks.b2c]
            when: "[/type] == 'booking'"
            user: /user/id
            ops:
              - set:  { field: lastBooking, value: { expr: "[/hotel/id] + '@' + [/hotel/city]" } }
              - incr: { counter: bookings, by: { expr: "[/rooms]" } }
              - del:  { field: cartHotel }
        """;

    public static void Run(BenchArgs args)
    {
        var count = args.Int("events", 1_000_000);
        var clock = Stopwatch.StartNew();
        Report.Note($"{RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores, server GC {GCSettings.IsServerGC}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        var events = BenchEvents.Make(count);
        Report.Note($"{count:N0} events made and parsed in {clock.Elapsed.TotalSeconds:0.0} s");

        Report.Header($"Expressions: compiled once, evaluated over the same {count:N0} parsed events (median of {Runs} runs)",
            "candidate", "expression", "CPU ns/evaluation", "runs min-max", "wall ns/evaluation", "bytes allocated/evaluation", "first compile µs", $"compile µs (median of {WarmCompiles})", "result check");
        foreach (var candidate in ExpressionCandidate.All)
        {
            foreach (var expression in ExpressionCase.All)
            {
                Measure(candidate, expression, events);
            }
        }

        MeasureMapping(events, args);
        Report.Note($"measurements took {clock.Elapsed.TotalSeconds:0.0} s");
        ExpressionProbes.RunAll();
        Report.Note($"all took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static void Measure(ExpressionCandidate candidate, ExpressionCase expression, BenchEvents events)
    {
        var started = Stopwatch.GetTimestamp();
        var compiled = candidate.Compile(expression);
        var first = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        var compiles = new List<double>(WarmCompiles);
        for (var i = 0; i < WarmCompiles; i++)
        {
            started = Stopwatch.GetTimestamp();
            _ = candidate.Compile(expression);
            compiles.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        var roots = events.Roots;
        Func<int, long> run = expression.IsCondition
            ? n =>
            {
                long trues = 0;
                for (var i = 0; i < n; i++)
                {
                    if (compiled.IsTrue(roots[i]))
                    {
                        trues++;
                    }
                }

                return trues;
            }
            : n =>
            {
                long chars = 0;
                for (var i = 0; i < n; i++)
                {
                    chars += compiled.Text(roots[i]).Length;
                }

                return chars;
            };

        var (cpu, wall, bytes, check) = Timed(run, events.Count);
        Report.Row(candidate.Name, expression.Name, Report.Percentile(cpu, 0.5), $"{cpu.Min():0}-{cpu.Max():0}", Report.Percentile(wall, 0.5), Report.Percentile(bytes, 0.5),
            first, Report.Percentile(compiles, 0.5), expression.IsCondition ? $"{check:N0} true" : $"{check:N0} chars");
    }

    /// <summary>The whole mapping as the node runs it: bytes parsed, both rules' conditions, the ops, the envelope with its derived id.</summary>
    private static void MeasureMapping(BenchEvents events, BenchArgs args)
    {
        var load = RuleSet.Parse(RulesYaml, RuleFileFormat.Yaml, RuleLimits.Default);
        var rules = load.RuleSet ?? throw new InvalidOperationException(string.Join("; ", load.Problems));
        var mapper = new EventMapper(rules, "dc-a", RuleLimits.Default);
        // At most 250k events: the mapping costs several times an expression, and the run must stay under 2 minutes.
        var searches = Enumerable.Range(0, events.Count).Where(BenchEvents.IsHotelSearch).Take(args.Int("mapped", 250_000)).ToArray();
        var sources = searches.Select(n => new SourceEvent("clicks.b2c", 0, n, null, events.Bytes[n])).ToArray();
        Func<int, long> run = n =>
        {
            long ops = 0;
            for (var i = 0; i < n; i++)
            {
                var mapped = mapper.Map(sources[i], BenchEvents.Now);
                ops += mapped.Envelopes.Count == 1 ? mapped.Envelopes[0].Ops.Count : throw new InvalidOperationException($"event {i}: {mapped.DeadLetter}");
            }

            return ops;
        };

        var (cpu, wall, bytes, check) = Timed(run, sources.Length);
        Report.Header($"Whole mapping: EventMapper.Map of a hotel_search event ({sources.Length:N0} events from their bytes, the design's 2 rules, median of {Runs} runs)",
            "what", "CPU ns/event", "runs min-max", "wall ns/event", "bytes allocated/event", "result check");
        Report.Row("RuleSet + EventMapper (NCalc conditions)", Report.Percentile(cpu, 0.5), $"{cpu.Min():0}-{cpu.Max():0}", Report.Percentile(wall, 0.5), Report.Percentile(bytes, 0.5), $"{check:N0} ops");
    }

    /// <summary>A warm-up pass, then <see cref="Runs"/> timed passes: the thread's CPU ns, wall ns and bytes per item of each, and the check value.</summary>
    private static (List<double> Cpu, List<double> Wall, List<double> Bytes, long Check) Timed(Func<int, long> run, int count)
    {
        run(Math.Min(count, 100_000));
        var cpu = new List<double>(Runs);
        var ns = new List<double>(Runs);
        var bytes = new List<double>(Runs);
        long check = 0;
        for (var r = 0; r < Runs; r++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpuStarted = ThreadCpuTime.NowNanoseconds();
            var started = Stopwatch.GetTimestamp();
            var result = run(count);
            var elapsed = Stopwatch.GetElapsedTime(started);
            cpu.Add((double)(ThreadCpuTime.NowNanoseconds() - cpuStarted) / count);
            bytes.Add((double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / count);
            ns.Add(elapsed.TotalNanoseconds / count);
            if (r > 0 && result != check)
            {
                throw new InvalidOperationException($"run {r} gave {result}, run 0 {check}");
            }

            check = result;
        }

        return (cpu, ns, bytes, check);
    }
}
