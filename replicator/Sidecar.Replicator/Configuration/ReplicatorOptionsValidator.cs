using Microsoft.Extensions.Options;

namespace Sidecar.Replicator.Configuration;

[OptionsValidator]
public sealed partial class ReplicatorOptionsAnnotations : IValidateOptions<ReplicatorOptions>;

/// <summary>Rules across fields that annotations cannot say.</summary>
public sealed class ReplicatorOptionsValidator : IValidateOptions<ReplicatorOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplicatorOptions options)
    {
        var failures = new List<string>();
        var annotations = new ReplicatorOptionsAnnotations().Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        if (options.Source == options.Target)
        {
            failures.Add("Replicator:Source and Replicator:Target must be different datacenters.");
        }

        foreach (var dc in new[] { options.Source, options.Target })
        {
            if (!options.Datacenters.TryGetValue(dc, out var kafka) || string.IsNullOrWhiteSpace(kafka.BootstrapServers))
            {
                failures.Add($"Replicator:Datacenters:{dc}:BootstrapServers is required (datacenter '{dc}' is unknown).");
            }
        }

        foreach (var topic in options.Topics)
        {
            // A datacenter's own topics have no '.', remote ones are "<dc>.<topic>".
            if (topic.Contains('.') || string.IsNullOrWhiteSpace(topic))
            {
                failures.Add($"Replicator:Topics: '{topic}' looks like a remote topic; only a datacenter's own topics are mirrored.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
