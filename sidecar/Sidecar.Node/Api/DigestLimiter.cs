using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Sidecar.Node.Configuration;

namespace Sidecar.Node.Api;

/// <summary>
/// How many <c>/admin/digest</c> calls run at once on this node: each one reads and hashes every
/// user of a version, a whole core for seconds on a large dataset, so a script polling it in a
/// loop (or many operators at once) must not take the cores that serve reads. At most
/// <see cref="ApiOptions.DigestConcurrency"/> run, <see cref="ApiOptions.DigestQueue"/> more wait
/// their turn (oldest first), and the rest are refused at once with 429.
/// </summary>
internal sealed class DigestLimiter : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public DigestLimiter(IOptions<ApiOptions> options) =>
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.DigestConcurrency,
            QueueLimit = options.Value.DigestQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

    /// <summary>A permit to digest (check <see cref="RateLimitLease.IsAcquired"/>; dispose it when done).</summary>
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
