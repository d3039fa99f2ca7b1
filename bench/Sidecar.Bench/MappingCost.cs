using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Sidecar.Rules;
using Sidecar.Rules.Mapping;

namespace Sidecar.Bench;

/// <summary>
/// The stopwatch breakdown of the rules' mapping path in this process, no Kafka, one thread: the
/// CPU the node spends per event before it hands the envelope to its producer (JSON parse and
/// rules by <see cref="EventMapper"/>, then the key and the protobuf bytes).
/// </summary>
internal static class MappingCost
{
    public static void Run(BenchArgs args)
    {
        var events = args.Int("events", 200_000);
        // --when false: the same rule without its condition, to tell the expression's share.
        var text = args.Text("when", "true") == "false" ? ClickEvents.RulesFile.Replace("\"when\": \"[/type] == 'hotel_search'\",", "", StringComparison.Ordinal) : ClickEvents.RulesFile;
        var load = RuleSet.Parse(text, RuleFileFormat.Json, RuleLimits.Default);
        var mapper = new EventMapper(load.RuleSet ?? throw new InvalidOperationException(string.Join("; ", load.Problems)), "dc-a", RuleLimits.Default);
        var now = DateTimeOffset.UtcNow;
        var values = Enumerable.Range(0, 10_000).Select(n => ClickEvents.Event($"user-{n}", ClickEvents.Hotel(n), ClickEvents.City(n), now.ToUnixTimeMilliseconds())).ToArray();
        Report.Header($"Mapping cost in one thread, {events:N0} events (the rules benchmark's rule{(text == ClickEvents.RulesFile ? "" : ", without its when")})", "pass", "µs/event: map", "µs/event: key + protobuf bytes", "bytes allocated/event");
        for (var pass = 1; pass <= 3; pass++)
        {
            var mapTicks = 0L;
            var bytesTicks = 0L;
            var size = 0L;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var n = 0; n < events; n++)
            {
                var started = Stopwatch.GetTimestamp();
                var mapped = mapper.Map(new SourceEvent(ClickEvents.Topic, n % 16, n, now.ToUnixTimeMilliseconds(), values[n % values.Length]), now);
                var middle = Stopwatch.GetTimestamp();
                foreach (var envelope in mapped.Envelopes)
                {
                    size += Encoding.UTF8.GetBytes(envelope.UserId).Length + envelope.ToByteArray().Length;
                }

                var end = Stopwatch.GetTimestamp();
                mapTicks += middle - started;
                bytesTicks += end - middle;
            }

            var perEvent = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events;
            Report.Row(pass, mapTicks * 1e6 / Stopwatch.Frequency / events, bytesTicks * 1e6 / Stopwatch.Frequency / events, perEvent);
            Report.Note($"{size / events} bytes per envelope with key");
        }
    }
}
