using System.CommandLine;
using Sidecar.Rules;
using Sidecar.Rules.Mapping;
using Sidecar.Store.Model;

namespace Sidecar.Cli.Rules;

/// <summary>
/// <c>rules check FILE</c>: a rules file validated offline by the library the node runs, and the
/// envelopes sample events become. Exit 2 when the file has problems (every one printed), 1 when a
/// sample event was a dead letter, 0 otherwise.
/// </summary>
internal static class RulesCommands
{
    /// <summary>The origin datacenter the checked envelopes carry; the node puts its own.</summary>
    private const string CheckDatacenter = "check";

    public static Command Create(CliOptions shared)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The rules file (YAML when it ends in .yaml/.yml, else JSON)" };
        var events = new Option<FileInfo?>("--events") { Description = "Sample events, one JSON per line (a plain event, or {topic, partition, offset, timestamp, value})" };
        var topic = new Option<string?>("--topic") { Description = "The topic plain events are read from (default the first rule's first topic)" };
        var listCap = new Option<int>("--list-cap") { Description = "Most items per list (the nodes' Store:ListCap)", DefaultValueFactory = _ => RuleLimits.DefaultListCap };
        var maxUserIdBytes = new Option<int>("--max-user-id-bytes") { Description = "Longest user id in UTF-8 bytes (the nodes' Api:MaxUserIdBytes)", DefaultValueFactory = _ => ModelLimits.DefaultUserIdBytes };
        var maxNameLength = new Option<int>("--max-name-length") { Description = "Longest field, list or counter name (the nodes' Api:MaxNameLength)", DefaultValueFactory = _ => ModelLimits.DefaultNameLength };
        var updatesTopic = new Option<string>("--updates-topic") { Description = "The nodes' Kafka:UpdatesTopic, which no rule may read", DefaultValueFactory = _ => "updates" };
        var check = new Command("check", "Validate a rules file offline and show what sample events become")
        {
            file, events, topic, listCap, maxUserIdBytes, maxNameLength, updatesTopic,
        };
        check.SetAction(result =>
        {
            var model = new ModelLimits { MaxUserIdBytes = result.GetValue(maxUserIdBytes), MaxNameLength = result.GetValue(maxNameLength) };
            if (model.Problems() is { Count: > 0 } bad)
            {
                throw new ArgumentException(string.Join("; ", bad));
            }

            var limits = new RuleLimits { Model = model, ListCap = result.GetValue(listCap), UpdatesTopic = result.GetValue(updatesTopic)! };
            var path = result.GetValue(file)!.FullName;
            return Check(path, result.GetValue(events)?.FullName, result.GetValue(topic), limits, shared.Time);
        });
        var rules = new Command("rules", "Ingest rules: a team's JSON events turned into updates by a rules file");
        rules.Subcommands.Add(check);
        return rules;
    }

    private static int Check(string path, string? events, string? topic, RuleLimits limits, TimeProvider time)
    {
        var load = RuleSet.Read(path, limits);
        if (load.RuleSet is not { } ruleSet)
        {
            Console.WriteLine($"{path}: {load.Problems.Count} problem(s)");
            foreach (var problem in load.Problems)
            {
                Console.WriteLine("  " + problem);
            }

            return 2;
        }

        RuleCheckPrinter.Rules(Console.Out, path, ruleSet);
        if (events is null)
        {
            return 0;
        }

        if (!File.Exists(events))
        {
            throw new ArgumentException($"--events {events}: no such file");
        }

        var source = topic ?? ruleSet.Rules[0].Topics[0];
        var mapper = new EventMapper(ruleSet, CheckDatacenter, limits);
        var now = time.GetUtcNow();
        int total = 0, dead = 0, skipped = 0;
        Console.WriteLine();
        Console.WriteLine($"events of {events} (plain events as read from {source}):");
        foreach (var (line, sample) in SampleEvents.Read(events, source, now))
        {
            var mapped = mapper.Map(sample, now);
            RuleCheckPrinter.Event(Console.Out, line, sample, mapped);
            total++;
            dead += mapped.DeadLetter is null ? 0 : 1;
            skipped += mapped.Skipped ? 1 : 0;
        }

        Console.WriteLine($"{total} event(s): {total - dead - skipped} mapped, {dead} dead letter(s), {skipped} skipped");
        return dead > 0 ? 1 : 0;
    }
}
