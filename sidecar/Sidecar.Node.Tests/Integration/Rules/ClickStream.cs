namespace Sidecar.Node.Tests.Integration.Rules;

/// <summary>
/// A stream of random good events in the background, in rounds (a burst, an acknowledgement, a
/// pause), until stopped or <c>rounds</c> are done. Disposing stops it and waits for it, so that the
/// producer is never disposed under it (librdkafka does not forgive that).
/// </summary>
internal sealed class ClickStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public ClickStream(ClickProducer producer, int seed, int users, int perRound, TimeSpan pause, int rounds = int.MaxValue)
    {
        _run = Task.Run(async () =>
        {
            var random = new Random(seed);
            for (var round = 0; round < rounds && !_stop.IsCancellationRequested; round++)
            {
                for (var i = 0; i < perRound; i++)
                {
                    producer.Random(random, i % 2 == 0 ? "clicks.b2c" : "clicks.b2b", users);
                }

                await producer.FlushAsync();
                await Task.Delay(pause);
            }
        });
    }

    public bool IsCompleted => _run.IsCompleted;

    /// <summary>Waits for the last round (or stops now, with <paramref name="stop"/>); throws what the stream threw.</summary>
    public async Task EndAsync(bool stop, TimeSpan timeout)
    {
        if (stop)
        {
            await _stop.CancelAsync();
        }

        await _run.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception)
        {
            // Already failing the test, or ended by it; the stream's own failure is reported by EndAsync.
        }

        _stop.Dispose();
    }
}
