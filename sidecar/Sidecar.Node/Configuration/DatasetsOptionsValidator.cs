using Microsoft.Extensions.Options;
using Sidecar.Common.Contracts;

namespace Sidecar.Node.Configuration;

/// <summary>
/// Every named dataset's settings, and what only the whole set can say: names by the one rule
/// (<see cref="DatasetName"/>), not the reserved default one, and no topic read or written by two
/// datasets (the default dataset's among them). Every problem is listed, each with its key.
/// </summary>
internal sealed class DatasetsOptionsValidator : IValidateOptions<DatasetsOptions>
{
    /// <summary>Named datasets a node may serve: one Consul metadata key each, beside the node's own few.</summary>
    public const int MaxNamed = 50;

    private readonly IOptionsMonitor<KafkaOptions> _kafka;

    public DatasetsOptionsValidator(IOptionsMonitor<KafkaOptions> kafka) => _kafka = kafka;

    public ValidateOptionsResult Validate(string? name, DatasetsOptions options) =>
        Problems(options, _kafka.CurrentValue) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    /// <summary>The problems of <paramref name="options"/> beside the default dataset's topics in <paramref name="kafka"/>; none when it is valid.</summary>
    public static List<string> Problems(DatasetsOptions options, KafkaOptions kafka)
    {
        var problems = new List<string>();
        var topics = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [kafka.UpdatesTopic] = $"{KafkaOptions.Section}:{nameof(KafkaOptions.UpdatesTopic)}",
            [kafka.DeadLetterTopic] = $"{KafkaOptions.Section}:{nameof(KafkaOptions.DeadLetterTopic)}",
        };
        if (options.Named.Count > MaxNamed)
        {
            problems.Add($"{DatasetsOptions.Section}: at most {MaxNamed} named datasets, not {options.Named.Count} (each is a key of the node's Consul service metadata, which holds 64).");
        }

        var single = new DatasetOptionsValidator();
        foreach (var (name, dataset) in options.Named.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var key = $"{DatasetsOptions.Section}:{name}";
            if (name == DatasetName.Default)
            {
                problems.Add($"{key}: '{DatasetName.Default}' is the dataset of today's settings (Kafka:UpdatesTopic, Store:*); it has no section of its own.");
                continue;
            }

            if (!DatasetName.IsValid(name))
            {
                problems.Add(DatasetName.Problem($"{DatasetsOptions.Section}: '{name}'"));
            }

            if (single.Validate(name, dataset) is { Failed: true } failed)
            {
                problems.AddRange(failed.Failures.Select(f => $"{key}:{f}"));
                continue;
            }

            problems.AddRange(RolloutProblems(dataset).Select(p => $"{key}:{RolloutOptions.Section}:{p}"));
            foreach (var (setting, topic) in new[] { ("Topic", dataset.Topic!), ("DeadLetterTopic", dataset.DeadLetters) })
            {
                if (!topics.TryAdd(topic, $"{key}:{setting}"))
                {
                    problems.Add($"{key}:{setting} '{topic}' is already {topics[topic]}: each dataset has its own topics.");
                }
            }
        }

        return problems;
    }

    /// <summary>What is wrong with a dataset's own rollout settings, each value checked by the
    /// node's rules for it (<see cref="RolloutOptionsValidator"/>), and any key that is not one.</summary>
    private static IEnumerable<string> RolloutProblems(DatasetOptions dataset)
    {
        if (dataset.Rollout.Count == 0)
        {
            return [];
        }

        var section = new ConfigurationBuilder().AddInMemoryCollection(dataset.Rollout).Build();
        var rollout = new RolloutOptions();
        try
        {
            section.Bind(rollout, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            return [e.Message];
        }

        return new RolloutOptionsValidator().Validate(null, rollout) is { Failed: true } failed ? failed.Failures : [];
    }
}
