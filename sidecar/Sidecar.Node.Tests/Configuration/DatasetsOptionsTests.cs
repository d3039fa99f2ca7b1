using Sidecar.Node.Configuration;

namespace Sidecar.Node.Tests.Configuration;

public sealed class DatasetsOptionsTests
{
    private static readonly KafkaOptions Kafka = new();

    [Fact]
    public void No_section_and_well_formed_datasets_have_no_problems()
    {
        Assert.Empty(DatasetsOptionsValidator.Problems(new DatasetsOptions(), Kafka));
        Assert.Empty(DatasetsOptionsValidator.Problems(Of(("recent", new() { Topic = "recent" }), ("segments", new() { Topic = "segments", ListCap = 10, ReadCacheEntries = 0 })), Kafka));
    }

    [Fact]
    public void Every_problem_is_listed_with_its_key()
    {
        var problems = DatasetsOptionsValidator.Problems(Of(
            ("default", new() { Topic = "other" }),
            ("Recent", new() { Topic = "recent" }),
            ("no-topic", new()),
            ("dotted", new() { Topic = "a.b" }),
            ("cap", new() { Topic = "cap", ListCap = 0 }),
            ("layout", new() { Topic = "layout", Partitions = 10_001 }),
            ("steals-updates", new() { Topic = "updates" }),
            ("steals-dlq", new() { Topic = "mine", DeadLetterTopic = "updates.dlq" }),
            ("first", new() { Topic = "shared" }),
            ("second", new() { Topic = "shared" })), Kafka);

        Assert.Collection(problems,
            p => Assert.Equal("Datasets: 'Recent' must be a dataset name: 1-32 characters of lowercase letters, digits or '-'.", p),
            p => Assert.StartsWith("Datasets:cap:", p),
            p => Assert.StartsWith("Datasets:default: 'default' is the dataset of today's settings", p),
            p => Assert.StartsWith("Datasets:dotted:", p),
            p => Assert.StartsWith("Datasets:layout:", p),
            p => Assert.StartsWith("Datasets:no-topic:", p),
            p => Assert.Equal("Datasets:second:Topic 'shared' is already Datasets:first:Topic: each dataset has its own topics.", p),
            p => Assert.Equal("Datasets:second:DeadLetterTopic 'shared.dlq' is already Datasets:first:DeadLetterTopic: each dataset has its own topics.", p),
            p => Assert.Equal("Datasets:steals-dlq:DeadLetterTopic 'updates.dlq' is already Kafka:DeadLetterTopic: each dataset has its own topics.", p),
            p => Assert.Equal("Datasets:steals-updates:Topic 'updates' is already Kafka:UpdatesTopic: each dataset has its own topics.", p),
            p => Assert.Equal("Datasets:steals-updates:DeadLetterTopic 'updates.dlq' is already Kafka:DeadLetterTopic: each dataset has its own topics.", p));
        Assert.Contains("ListCap", problems[1]);
        Assert.Contains("without '.'", problems[3]);
        Assert.Contains("Partitions", problems[4]);
        Assert.Contains("Topic is required", problems[5]);
    }

    [Fact]
    public void A_datasets_own_rollout_settings_are_checked_by_the_nodes_rules_for_them()
    {
        var good = new DatasetOptions { Topic = "segments" };
        good.Rollout["RetainVersions"] = "3";
        good.Rollout["VoteTimeout"] = "00:05:00";
        Assert.Empty(DatasetsOptionsValidator.Problems(Of(("segments", good)), Kafka));

        var bad = new DatasetOptions { Topic = "recent" };
        bad.Rollout["RetainVersions"] = "0";
        var problem = Assert.Single(DatasetsOptionsValidator.Problems(Of(("recent", bad)), Kafka));
        Assert.StartsWith("Datasets:recent:Rollout:", problem);
        Assert.Contains("RetainVersions", problem);

        var typo = new DatasetOptions { Topic = "typo" };
        typo.Rollout["RetainVersion"] = "3";
        Assert.Contains("RetainVersion", Assert.Single(DatasetsOptionsValidator.Problems(Of(("typo", typo)), Kafka)));
    }

    [Fact]
    public void Expiry_below_a_second_is_refused_per_dataset()
    {
        Assert.Empty(DatasetsOptionsValidator.Problems(Of(("recent", new() { Topic = "recent", ItemTtl = TimeSpan.FromDays(30), Ttl = TimeSpan.FromDays(90) })), Kafka));
        var problems = DatasetsOptionsValidator.Problems(Of(("recent", new() { Topic = "recent", ItemTtl = TimeSpan.FromMilliseconds(10), Ttl = TimeSpan.Zero })), Kafka);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Datasets:recent:", StringComparison.Ordinal) && p.Contains("ItemTtl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Datasets:recent:", StringComparison.Ordinal) && p.Contains("Ttl", StringComparison.Ordinal) && !p.Contains("ItemTtl", StringComparison.Ordinal));
    }

    [Fact]
    public void At_most_fifty_named_datasets()
    {
        var fifty = Of([.. Enumerable.Range(0, 50).Select(i => ($"d{i}", new DatasetOptions { Topic = $"t{i}" }))]);
        Assert.Empty(DatasetsOptionsValidator.Problems(fifty, Kafka));
        fifty.Named["d50"] = new DatasetOptions { Topic = "t50" };
        Assert.StartsWith("Datasets: at most 50 named datasets, not 51", Assert.Single(DatasetsOptionsValidator.Problems(fifty, Kafka)));
    }

    [Fact]
    public void The_dead_letter_topic_defaults_to_the_topics_with_dlq() =>
        Assert.Equal("recent.dlq", new DatasetOptions { Topic = "recent" }.DeadLetters);

    private static DatasetsOptions Of(params (string Name, DatasetOptions Options)[] datasets)
    {
        var options = new DatasetsOptions();
        foreach (var (name, dataset) in datasets)
        {
            options.Named[name] = dataset;
        }

        return options;
    }
}
