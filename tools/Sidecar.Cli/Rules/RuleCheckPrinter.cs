using System.Globalization;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Rules;
using Sidecar.Rules.Mapping;

namespace Sidecar.Cli.Rules;

/// <summary>The text of <c>rules check</c>: a good file's rules, and what each sample event becomes.</summary>
internal static class RuleCheckPrinter
{
    public static void Rules(TextWriter output, string path, RuleSet rules)
    {
        output.WriteLine($"{path}: good, {rules.Rules.Count} rule(s) over {string.Join(", ", rules.Topics)} (hash {rules.Hash})");
        foreach (var rule in rules.Rules)
        {
            output.WriteLine($"rule {rule.Name}");
            output.WriteLine($"  topics  {string.Join(", ", rule.Topics)}");
            output.WriteLine($"  when    {rule.When ?? "(every event)"}");
            output.WriteLine($"  user    {rule.UserText}");
            if (rule.Dataset != Sidecar.Common.Contracts.DatasetName.Default)
            {
                output.WriteLine($"  dataset {rule.Dataset}");
            }
            foreach (var op in rule.OpTexts)
            {
                output.WriteLine($"  op      {op}");
            }
        }
    }

    public static void Event(TextWriter output, int line, in SourceEvent source, MappedEvent mapped)
    {
        var head = $"line {line} ({source.Topic} [{source.Partition}] @{source.Offset}): ";
        if (mapped.DeadLetter is { } dead)
        {
            output.WriteLine(head + (dead.Rule is null ? "dead letter: " : $"dead letter (rule {dead.Rule}): ") + dead.Reason);
            return;
        }

        if (mapped.Skipped)
        {
            output.WriteLine(head + "skipped (no rule matched)");
            return;
        }

        var matched = mapped.Evaluations.Where(e => e.Matched).Select(e => e.Rule.Name);
        output.WriteLine(head + $"{mapped.Updates.Count} envelope(s), rules {string.Join(", ", matched)}");
        foreach (var (dataset, envelope) in mapped.Updates)
        {
            output.WriteLine($"  user {envelope.UserId}  id {envelope.Id}{(dataset == Sidecar.Common.Contracts.DatasetName.Default ? "" : "  dataset " + dataset)}");
            foreach (var op in envelope.Ops)
            {
                output.WriteLine($"    {Describe(op),-48} at {Stamp(op.Hlc)}");
            }
        }
    }

    /// <summary>An op as an operator reads it; values as JSON, as the node stores them.</summary>
    public static string Describe(Op op) => op.KindCase switch
    {
        Op.KindOneofCase.Set => $"set {op.Set.Field} = {op.Set.JsonValue.ToStringUtf8()}",
        Op.KindOneofCase.Del => $"del {op.Del.Field}",
        Op.KindOneofCase.Push => string.Create(CultureInfo.InvariantCulture, $"push {op.Push.List} <- \"{op.Push.Item}\" (max {op.Push.Max})"),
        Op.KindOneofCase.Incr => string.Create(CultureInfo.InvariantCulture, $"incr {op.Incr.Counter} by {op.Incr.By}"),
        _ => op.KindCase.ToString(),
    };

    /// <summary>The op's stamp: its physical part as an ISO time, then the logical part.</summary>
    private static string Stamp(ulong hlc) => string.Create(CultureInfo.InvariantCulture,
        $"{DateTimeOffset.FromUnixTimeMilliseconds(HybridLogicalClock.UnixMilliseconds(hlc)):yyyy-MM-ddTHH:mm:ss.fffZ} (logical {HybridLogicalClock.Logical(hlc)})");
}
