namespace Sidecar.Rules;

/// <summary>How a rules file is written: JSON, or YAML (the same document in YAML's syntax).</summary>
public enum RuleFileFormat
{
    Json,
    Yaml,
}

public static class RuleFileFormats
{
    /// <summary>YAML for <c>.yaml</c>/<c>.yml</c>, JSON for anything else.</summary>
    public static RuleFileFormat FromPath(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml" ? RuleFileFormat.Yaml : RuleFileFormat.Json;
}
