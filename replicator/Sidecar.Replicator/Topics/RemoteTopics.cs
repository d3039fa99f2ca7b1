using System.Net.Http;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Polly;
using Polly.Retry;
using Sidecar.Common.Kafka;

namespace Sidecar.Replicator.Topics;

/// <summary>
/// Makes sure the target holds each remote topic (<c>&lt;source&gt;.&lt;topic&gt;</c>) with at least as
/// many partitions as the source topic, so every record keeps its partition number.
/// </summary>
/// <remarks>
/// Real Kafka creates topics and partitions through the admin API. librdkafka's mock cluster does
/// not serve CreateTopics, so against a Sidecar.KafkaMock host the topic is created through its
/// control URL instead (it cannot grow partitions later).
/// </remarks>
internal sealed class RemoteTopics : IDisposable
{
    private readonly IAdminClient _admin;
    private readonly string? _mockControlUrl;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ResiliencePipeline _retry;
    private readonly ILogger _logger;

    public RemoteTopics(AdminClientConfig target, string? mockControlUrl, ILogger logger)
    {
        _admin = new AdminClientBuilder(target).SetLogHandler(KafkaLog.To<IAdminClient>(logger)).Build();
        _mockControlUrl = mockControlUrl?.TrimEnd('/');
        _logger = logger;
        // Metadata and creation are safe to repeat; a target that is down for a while is retried.
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 8,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder().Handle<KafkaException>().Handle<HttpRequestException>().Handle<TaskCanceledException>(),
                OnRetry = a =>
                {
                    _logger.LogWarning("Remote topic check failed ({Error}); retry {Attempt}", a.Outcome.Exception?.Message, a.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Partition count of a topic in the target, 0 when it does not exist.</summary>
    public int Partitions(string topic)
    {
        // Ask for all topics: a metadata request naming the topic may auto-create it on the
        // broker, with the broker's default partition count instead of the source's.
        var metadata = _admin.GetMetadata(TimeSpan.FromSeconds(5));
        var t = metadata.Topics.FirstOrDefault(x => x.Topic == topic);
        return t is null || t.Error.IsError ? 0 : t.Partitions.Count;
    }

    public Task EnsureAsync(string remoteTopic, int partitions, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async ct =>
        {
            var existing = Partitions(remoteTopic);
            if (existing >= partitions)
            {
                return;
            }

            if (_mockControlUrl is not null)
            {
                if (existing > 0)
                {
                    throw new InvalidOperationException(
                        $"{remoteTopic} has {existing} partitions in the target but the source has {partitions}; the mock cluster cannot add partitions");
                }

                using var response = await _http.PostAsync($"{_mockControlUrl}/topics/{Uri.EscapeDataString(remoteTopic)}?partitions={partitions}", null, ct);
                response.EnsureSuccessStatusCode();
            }
            else if (existing == 0)
            {
                await CreateAsync(() => _admin.CreateTopicsAsync([new TopicSpecification { Name = remoteTopic, NumPartitions = partitions, ReplicationFactor = -1 }]));
            }
            else
            {
                await CreateAsync(() => _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = remoteTopic, IncreaseTo = partitions }]));
            }

            _logger.LogInformation("Remote topic {Topic} now has {Partitions} partitions (had {Existing})", remoteTopic, partitions, existing);
        }, cancellationToken).AsTask();

    public void Dispose()
    {
        _admin.Dispose();
        _http.Dispose();
    }

    private static async Task CreateAsync(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            // Another instance created it first.
        }
    }

    internal static string Name(string sourceDc, string topic) => TopicNames.Remote(sourceDc, topic);
}
