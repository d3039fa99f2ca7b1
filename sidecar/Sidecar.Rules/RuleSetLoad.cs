namespace Sidecar.Rules;

/// <summary>The outcome of reading a rules file: the rules, or every problem found (then no rules).</summary>
public sealed class RuleSetLoad
{
    internal RuleSetLoad(RuleSet? rules, IReadOnlyList<string> problems)
    {
        RuleSet = rules;
        Problems = problems;
    }

    /// <summary>The compiled rules; null when the file has problems.</summary>
    public RuleSet? RuleSet { get; }

    /// <summary>Every problem, each naming where it is (<c>rules[2].ops[0].push.max: ...</c>); empty when the file is good.</summary>
    public IReadOnlyList<string> Problems { get; }
}
