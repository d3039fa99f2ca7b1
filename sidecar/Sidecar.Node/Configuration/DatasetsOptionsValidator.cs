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
}
