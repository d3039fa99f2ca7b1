using System.Diagnostics;
using System.Text.Json;
using System.Text.Unicode;
using Sidecar.Common.Envelope;
using Sidecar.Rules.Values;
using Sidecar.Store.Model;

namespace Sidecar.Rules.Mapping;

/// <summary>
/// Turns one source event into update envelopes by the rules: a pure function of the rules, the
/// event (its bytes and its position) and the clock's reading, so that a redelivered event
/// becomes the same envelopes on any node.
/// </summary>
/// <remarks>
/// Every rule of the event's topic whose condition holds contributes its ops; the ops for one user
/// from several rules share one envelope, in file order. If any matching rule fails on the event
/// (a missing value, a failing expression, a user id the model refuses), the whole event is a dead
/// letter: nothing of it is produced, so it can be fixed and replayed as one. One mapper is used by
/// one thread at a time (compiled expressions keep their parameters between calls).
/// </remarks>
public sealed class EventMapper
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    private readonly Dictionary<string, Rule[]> _byTopic;
    private readonly string _datacenter;
    private readonly RuleLimits _limits;

    public EventMapper(RuleSet rules, string datacenter, RuleLimits limits)
    {
        Rules = rules;
        _datacenter = datacenter;
        _limits = limits;
        _byTopic = rules.Topics.ToDictionary(t => t, t => rules.Rules.Where(r => r.Topics.Contains(t)).ToArray(), StringComparer.Ordinal);
    }

    public RuleSet Rules { get; }

    public MappedEvent Map(in SourceEvent source, DateTimeOffset now)
    {
        if (!_byTopic.TryGetValue(source.Topic, out var rules))
        {
            return new MappedEvent([], [], null);
        }

        // JsonDocument checks UTF-8 only where it decodes: an invalid sequence inside a string
        // passes Parse and throws InvalidOperationException later, when a rule reads it (or
        // is copied as is into a field's JSON). Checked once here, so it is a dead letter.
        if (!Utf8.IsValid(source.Value.Span))
        {
            return new MappedEvent([], [], new RuleDeadLetter(null, "not JSON: the event is not valid UTF-8"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(source.Value, JsonOptions);
        }
        catch (JsonException e)
        {
            return new MappedEvent([], [], new RuleDeadLetter(null, $"not JSON: {e.Message}"));
        }

        using (document)
        {
            return Map(document.RootElement, rules, source, now);
        }
    }

    private MappedEvent Map(JsonElement root, Rule[] rules, in SourceEvent source, DateTimeOffset now)
    {
        var evaluations = new List<RuleEvaluation>(rules.Length);
        var users = new List<(string Dataset, string User, List<Op> Ops)>(1);
        foreach (var rule in rules)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (rule.Condition is { } condition && !condition.IsTrue(root))
                {
                    evaluations.Add(new RuleEvaluation(rule, false, 0, Stopwatch.GetElapsedTime(started)));
                    continue;
                }

                var user = User(rule, root);
                var stamp = EventTime.Stamp(rule, root, source, now, _limits.MaxClockDrift);
                var ops = OpsOf(users, rule.Dataset, user);
                var made = 0;
                foreach (var template in rule.Ops)
                {
                    if (template.Build(root) is { } op)
                    {
                        op.Hlc = stamp;
                        ops.Add(op);
                        made++;
                    }
                }

                evaluations.Add(new RuleEvaluation(rule, true, made, Stopwatch.GetElapsedTime(started)));
            }
            catch (MappingException e)
            {
                evaluations.Add(new RuleEvaluation(rule, true, 0, Stopwatch.GetElapsedTime(started)));
                return new MappedEvent([], evaluations, new RuleDeadLetter(rule.Name, e.Message));
            }
        }

        return new MappedEvent(Envelopes(users, source), evaluations, null);
    }

    private string User(Rule rule, JsonElement root)
    {
        if (!rule.User.TryResolve(root, out var value))
        {
            throw new MappingException($"user: {rule.User.Describe()} is not in the event");
        }

        var user = value.ToText("user");
        return UserIdRule.Check(user, _limits.Model) is { } problem ? throw new MappingException("user: " + problem) : user;
    }

    private static List<Op> OpsOf(List<(string Dataset, string User, List<Op> Ops)> users, string dataset, string user)
    {
        foreach (var (d, u, ops) in users)
        {
            if (u == user && d == dataset)
            {
                return ops;
            }
        }

        var fresh = new List<Op>();
        users.Add((dataset, user, fresh));
        return fresh;
    }

    /// <summary>One envelope per dataset and user; the same event's envelopes for one user in two
    /// datasets share their id, which is harmless: each dataset remembers its own requests.</summary>
    private List<MappedUpdate> Envelopes(List<(string Dataset, string User, List<Op> Ops)> users, in SourceEvent source)
    {
        var envelopes = new List<MappedUpdate>(users.Count);
        foreach (var (dataset, user, ops) in users)
        {
            if (ops.Count == 0)
            {
                continue;
            }

            var envelope = new UpdateEnvelope
            {
                SchemaVersion = EnvelopeSchema.Version,
                UserId = user,
                OriginDc = _datacenter,
                Id = EventIds.Derive(_datacenter, user, source.Topic, source.Partition, source.Offset),
            };
            for (var i = 0; i < ops.Count; i++)
            {
                ops[i].Id = $"{envelope.Id}:{i}";
                envelope.Ops.Add(ops[i]);
            }

            envelopes.Add(new MappedUpdate(dataset, envelope));
        }

        return envelopes;
    }
}
