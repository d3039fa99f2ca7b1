using Sidecar.Common.Consul;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination;

/// <summary>
/// Reads the whole rollout tree again and again with blocking queries and hands every read to a
/// step, also when nothing changed (at least every poll interval: deadlines and participants'
/// health need looking at even in silence). Errors are logged and retried, never fatal: a rollout
/// problem must not take down a node that serves reads.
/// </summary>
internal static class RolloutFollower
{
    public static async Task RunAsync(
        NodeConsul consul, TimeSpan pollInterval, Func<RolloutStatus, CancellationToken, Task> step, Action<Exception> onError, CancellationToken stoppingToken)
    {
        ulong index = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var status = await RolloutReader.ReadAsync(consul.Rollout, consul.Keys, stoppingToken,
                    new ConsulQuery { Index = index == 0 ? null : index, Wait = pollInterval });
                // An index that went backwards (a Consul snapshot restore) resets the blocking query.
                index = status.Index < index ? 0 : status.Index;
                await step(status, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Consul being away, a malformed key, or a failed local step: the node keeps
                // serving its live version and tries again from a fresh read.
                onError(e);
                index = 0;
                await Task.Delay(pollInterval, stoppingToken);
            }
        }
    }
}
