using Microsoft.Extensions.Options;
using Sidecar.Node.Configuration;
using Sidecar.Rules;

namespace Sidecar.Node.Rules;

/// <summary>
/// The rules in force and the file they come from. <see cref="Reload"/> reads the file again; a
/// changed file replaces the rules only when it is valid whole, otherwise every problem is logged
/// and kept as <see cref="LastError"/>, and the rules in force stay (like the proxy's membership file).
/// </summary>
internal sealed class RulesFile
{
    private readonly RulesOptions _options;
    private readonly RuleLimits _limits;
    private readonly TimeProvider _time;
    private readonly RuleMetrics _metrics;
    private readonly ILogger<RulesFile> _logger;
    private string? _refusedText;

    public RulesFile(IOptions<RulesOptions> options, IOptions<ApiOptions> api, IOptions<StoreOptions> store, IOptions<KafkaOptions> kafka,
        IOptions<NodeOptions> node, IOptions<DatasetsOptions> datasets, TimeProvider time, RuleMetrics metrics, ILogger<RulesFile> logger)
    {
        _options = options.Value;
        _limits = NodeRuleLimits.From(api.Value, store.Value, kafka.Value, node.Value, datasets.Value);
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public string Path => _options.File!;

    public RuleLimits Limits => _limits;

    /// <summary>The rules in force; null until the first good load.</summary>
    public RuleSet? Current { get; private set; }

    public DateTimeOffset? LoadedAt { get; private set; }

    /// <summary>Why the newest file was refused, every problem a line; null when it is in force.</summary>
    public string? LastError { get; private set; }

    /// <summary>Reads the file; true when new rules came into force.</summary>
    public bool Reload()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Mid-rename by an editor, or gone: keep the rules in force and say why.
            Refuse(null, [$"{Path} cannot be read: {e.Message}"]);
            return false;
        }

        if (text == _refusedText)
        {
            return false;
        }

        if (Current is not null && RuleSet.HashOf(text) == Current.Hash)
        {
            // The file is the one in force again (a refused edit was undone): nothing is refused any more.
            LastError = null;
            _refusedText = null;
            return false;
        }

        var load = RuleSet.Parse(text, RuleFileFormats.FromPath(Path), _limits);
        if (load.RuleSet is null)
        {
            Refuse(text, load.Problems);
            return false;
        }

        var previous = Current;
        Current = load.RuleSet;
        LoadedAt = _time.GetUtcNow();
        LastError = null;
        _refusedText = null;
        _metrics.Reloaded(loaded: true);
        _logger.LogInformation("Rules {Hash} from {File} in force: {Rules} rule(s) over {Topics}{Previous}",
            Current.Hash, Path, Current.Rules.Count, string.Join(", ", Current.Topics), previous is null ? "" : $" (replacing {previous.Hash})");
        return true;
    }

    private void Refuse(string? text, IReadOnlyList<string> problems)
    {
        var error = string.Join(Environment.NewLine, problems);
        if (error == LastError)
        {
            return; // the same refusal as last time: said once
        }

        LastError = error;
        _refusedText = text;
        _metrics.Reloaded(loaded: false);
        _logger.LogError("Rules file {File} refused; the rules in force ({Hash}) stay. Problems:{NewLine}{Problems}",
            Path, Current?.Hash ?? "none", Environment.NewLine, error);
    }
}
