using System.Net;
using System.Runtime.CompilerServices;

namespace Sidecar.Common.Consul;

/// <summary>
/// Repeats a blocking read and yields its result at first and then each time its index moves.
/// The index follows <see cref="BlockingIndex"/>; the wait is <see cref="ConsulClientOptions.BlockingWait"/>
/// less up to a tenth at random (so that many watchers do not wake together); successive requests
/// are at least <see cref="ConsulClientOptions.WatchMinInterval"/> apart; failures back off
/// exponentially with jitter up to <see cref="ConsulClientOptions.WatchMaxBackoff"/>, all timed by
/// <see cref="ConsulClientOptions.TimeProvider"/>. Errors that
/// another try cannot fix (4xx other than 429) end the watch with the exception.
/// </summary>
internal sealed class ConsulWatch<T>
{
    private readonly ConsulClientOptions _options;
    private readonly Func<ConsulQuery, CancellationToken, Task<ConsulResponse<T>>> _read;
    private readonly ConsulQuery _query;

    public ConsulWatch(ConsulClientOptions options, ConsulQuery? query, Func<ConsulQuery, CancellationToken, Task<ConsulResponse<T>>> read)
    {
        _options = options;
        _query = query ?? new ConsulQuery();
        _read = read;
    }

    public async IAsyncEnumerable<ConsulResponse<T>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = _query.Index ?? 0;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var time = _options.TimeProvider;
            var started = time.GetTimestamp();
            var wait = _options.BlockingWait * (1 - Random.Shared.NextDouble() / 10);
            ConsulResponse<T>? response = null;
            try
            {
                response = await _read(_query with { Index = index, Wait = wait }, cancellationToken);
                failures = 0;
            }
            catch (Exception e) when (Retryable(e) && !cancellationToken.IsCancellationRequested)
            {
                failures++;
            }

            if (response is null)
            {
                await Task.Delay(Backoff(failures), time, cancellationToken);
                continue;
            }

            if (BlockingIndex.Changed(index, response.Index))
            {
                yield return response;
            }

            index = BlockingIndex.Next(index, response.Index);
            var pause = _options.WatchMinInterval - time.GetElapsedTime(started);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, time, cancellationToken);
            }
        }
    }

    private static bool Retryable(Exception e) => e switch
    {
        ConsulException consul => consul.IsTransient || consul.StatusCode == HttpStatusCode.RequestTimeout,
        HttpRequestException or TimeoutException => true,
        _ => false,
    };

    private TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(_options.WatchMaxBackoff.TotalMilliseconds, _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
