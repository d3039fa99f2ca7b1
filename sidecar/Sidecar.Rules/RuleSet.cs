using System.Security.Cryptography;
using System.Text;
using Sidecar.Rules.Parsing;

namespace Sidecar.Rules;

/// <summary>
/// A validated, compiled rules file: immutable, so a reload builds a new one and swaps it whole.
/// </summary>
public sealed class RuleSet
{
    internal RuleSet(IReadOnlyList<Rule> rules, string hash)
    {
        Rules = rules;
        Hash = hash;
        Topics = rules.SelectMany(r => r.Topics).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Every source topic of any rule, sorted: what the node subscribes to.</summary>
    public IReadOnlyList<string> Topics { get; }

    /// <summary>SHA-256 of the file's bytes (hex, first 16 characters): tells two loads of one file apart from a change.</summary>
    public string Hash { get; }

    /// <summary>Reads and validates the file at <paramref name="path"/> (format by its extension).</summary>
    public static RuleSetLoad Read(string path, RuleLimits limits)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RuleSetLoad(null, [$"{path}: cannot be read: {e.Message}"]);
        }

        return Parse(text, RuleFileFormats.FromPath(path), limits);
    }

    /// <summary>Validates a whole rules file: the rules when it is good, every problem when it is not.</summary>
    public static RuleSetLoad Parse(string text, RuleFileFormat format, RuleLimits limits)
    {
        var problems = new List<string>();
        var document = RuleFileReader.Read(text, format, problems);
        if (document is null)
        {
            return new RuleSetLoad(null, problems);
        }

        var rules = new RuleCompiler(limits, problems).Compile(document.Value);
        return problems.Count > 0 || rules is null
            ? new RuleSetLoad(null, problems)
            : new RuleSetLoad(new RuleSet(rules, HashOf(text)), []);
    }

    /// <summary>What <see cref="Hash"/> would be for <paramref name="text"/>: tells an unchanged file without compiling it.</summary>
    public static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
