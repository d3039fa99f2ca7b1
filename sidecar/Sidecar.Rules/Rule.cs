using Sidecar.Rules.Ops;
using Sidecar.Rules.Values;

namespace Sidecar.Rules;

/// <summary>One rule: for events of its topics that meet its condition, the ops it makes for its user.</summary>
public sealed class Rule
{
    internal Rule(string name, int index, IReadOnlyList<string> topics, RuleExpression? condition, ValueSource user, EventPointer? time, IReadOnlyList<OpTemplate> ops, string dataset)
    {
        Name = name;
        Dataset = dataset;
        Index = index;
        Topics = topics;
        Condition = condition;
        User = user;
        Time = time;
        Ops = ops;
    }

    public string Name { get; }

    /// <summary>Its position in the file (metrics and status keep this order).</summary>
    public int Index { get; }

    public IReadOnlyList<string> Topics { get; }

    /// <summary>The dataset its ops go to: <c>dataset:</c>, else the default one (<c>/v1/users</c>).</summary>
    public string Dataset { get; }

    /// <summary>The <c>when</c> text, or null when the rule takes every event of its topics.</summary>
    public string? When => Condition?.Text;

    internal RuleExpression? Condition { get; }

    internal ValueSource User { get; }

    internal EventPointer? Time { get; }

    internal IReadOnlyList<OpTemplate> Ops { get; }

    /// <summary>How the file wrote the user's value source, for <c>sidecarctl rules check</c>.</summary>
    public string UserText => User.Describe();

    /// <summary>How the file wrote each op (<c>push recent &lt;- /hotel/id (max 20)</c>), for <c>sidecarctl rules check</c>.</summary>
    public IReadOnlyList<string> OpTexts => Ops.Select(o => o.Describe() + (o.Optional ? " (optional)" : "")).ToList();

    public override string ToString() => Name;
}
