using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Rules;

/// <summary>What the admin status says of the rules: the file, the rules in force with their counts, and the source lag.</summary>
internal sealed class RuleIngestStatus(RulesFile file, RuleCounts counts, IOptions<RulesOptions> options)
{
    /// <summary>Source events not mapped yet per owned partition (set by the rules loop about once a second).</summary>
    public IReadOnlyDictionary<(string Topic, int Partition), long> SourceLag { get; set; } = new Dictionary<(string, int), long>();

    /// <summary>The last error of the source consumer, if any.</summary>
    public string? LastError { get; set; }

    public RulesStatus Snapshot()
    {
        var rules = file.Current?.Rules ?? [];
        var error = file.LastError ?? LastError;
        return new RulesStatus(
            file.Path,
            file.Current?.Hash,
            file.LoadedAt,
            error,
            options.Value.GroupId,
            rules.Select(r =>
            {
                var (matched, ops, dead, rate) = counts.Of(r.Name);
                return new RuleStatus(r.Name, r.Topics, matched, ops, dead, Math.Round(rate, 1));
            }).ToList(),
            SourceLag.ToDictionary(p => $"{p.Key.Topic}:{p.Key.Partition}", p => p.Value),
            counts.Skipped);
    }
}
