using Sidecar.Common.Consul;

namespace Sidecar.Store.Rollout;

/// <summary>Reads the whole <c>rollout/</c> tree in one request (one consistent Consul index).</summary>
public static class RolloutReader
{
    public static async Task<RolloutStatus> ReadAsync(ConsulClient consul, RolloutKeys keys, CancellationToken cancellationToken, ConsulQuery? query = null)
    {
        var answer = await consul.Kv.ListAsync(keys.RolloutPrefix, query, cancellationToken);
        return RolloutStatus.From(answer.Value, keys, answer.Index);
    }
}
