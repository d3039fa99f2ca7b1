namespace Sidecar.Rules.Values;

/// <summary>An event a rule cannot map (a missing value, a failing expression): it goes to the dead-letter topic with this message.</summary>
internal sealed class MappingException(string message) : Exception(message);
