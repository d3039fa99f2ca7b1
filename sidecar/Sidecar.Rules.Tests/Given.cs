using System.Text;
using Sidecar.Common.Envelope;
using Sidecar.Rules.Mapping;

namespace Sidecar.Rules.Tests;

/// <summary>Rules and events for the tests: a fixed clock, so that nothing depends on when they run.</summary>
internal static class Given
{
    /// <summary>The mapping node's clock.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The record timestamp of the events: a second before <see cref="Now"/>.</summary>
    public static readonly long RecordMs = Now.ToUnixTimeMilliseconds() - 1_000;

    public static RuleSet Rules(string text, RuleFileFormat format = RuleFileFormat.Json, RuleLimits? limits = null)
    {
        var load = RuleSet.Parse(text, format, limits ?? RuleLimits.Default);
        Assert.True(load.RuleSet is not null, "the rules should load: " + string.Join(" | ", load.Problems));
        Assert.Empty(load.Problems);
        return load.RuleSet!;
    }

    /// <summary>A file of one rule on topic <c>t</c> (user at /u) with <paramref name="rule"/>'s extra keys, e.g. <c>"ops": [...]</c>.</summary>
    public static string OneRule(string rule, string name = "r") =>
        $$"""{ "version": 1, "rules": [ { "name": "{{name}}", "topics": ["t"], "user": "/u", {{rule}} } ] }""";

    public static EventMapper Mapper(string text, RuleFileFormat format = RuleFileFormat.Json, RuleLimits? limits = null) =>
        new(Rules(text, format, limits), "dc-a", limits ?? RuleLimits.Default);

    public static SourceEvent Event(string json, string topic = "t", int partition = 0, long offset = 7, long? timestampMs = null) =>
        new(topic, partition, offset, timestampMs ?? RecordMs, Encoding.UTF8.GetBytes(json));

    public static MappedEvent Map(this EventMapper mapper, SourceEvent source) => mapper.Map(source, Now);

    /// <summary>Maps an event that must become envelopes (no dead letter).</summary>
    public static IReadOnlyList<UpdateEnvelope> Envelopes(this EventMapper mapper, SourceEvent source)
    {
        var mapped = mapper.Map(source, Now);
        Assert.True(mapped.DeadLetter is null, "no dead letter expected: " + mapped.DeadLetter);
        return mapped.Envelopes;
    }

    /// <summary>The single op an event makes.</summary>
    public static Op SingleOp(this EventMapper mapper, SourceEvent source) =>
        Assert.Single(Assert.Single(mapper.Envelopes(source)).Ops);

    /// <summary>Maps an event that must be a dead letter.</summary>
    public static RuleDeadLetter DeadLetter(this EventMapper mapper, SourceEvent source)
    {
        var mapped = mapper.Map(source, Now);
        Assert.True(mapped.DeadLetter is not null, "a dead letter expected, got envelopes");
        Assert.Empty(mapped.Envelopes);
        Assert.False(mapped.Skipped);
        return mapped.DeadLetter!;
    }
}
