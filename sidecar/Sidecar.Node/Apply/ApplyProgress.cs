using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Sidecar.Node.Apply;

/// <summary>
/// How far ingest has applied each local topic partition, and the requests waiting to read
/// their own write (<c>?wait=applied</c>).
/// </summary>
internal sealed class ApplyProgress
{
    private readonly ConcurrentDictionary<TopicPartition, long> _next = new();
    private readonly Lock _lock = new();
    private readonly List<Waiter> _waiters = [];

    /// <summary>The next offset to apply in a partition, or null before it was assigned.</summary>
    public long? Next(TopicPartition partition) => _next.TryGetValue(partition, out var next) ? next : null;

    public IReadOnlyDictionary<TopicPartition, long> Snapshot() => _next.ToDictionary();

    /// <summary>Records that every offset below <paramref name="next"/> is applied.</summary>
    public void Advance(TopicPartition partition, long next)
    {
        _next[partition] = next;
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (waiter.Partition == partition && waiter.Offset < next)
                {
                    _waiters.RemoveAt(i);
                    waiter.Done.TrySetResult(true);
                }
            }
        }
    }

    /// <summary>Waits until the record at <paramref name="offset"/> is applied; false on timeout.</summary>
    public async Task<bool> WaitAppliedAsync(TopicPartition partition, long offset, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(partition, offset, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (Next(partition) > offset)
            {
                return true;
            }

            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed record Waiter(TopicPartition Partition, long Offset, TaskCompletionSource<bool> Done);
}
