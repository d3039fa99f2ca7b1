using Microsoft.Extensions.Options;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Node.Configuration;
using Sidecar.Node.Ingest;

namespace Sidecar.Node.Api;

/// <summary>
/// Stamps the ops of an accepted write: origin datacenter, a fresh HLC timestamp per op, and ids
/// unique across restarts of this node (node id, start time, sequence).
/// </summary>
internal sealed class UpdateFactory
{
    private readonly HybridLogicalClock _clock;
    private readonly string _datacenter;
    private readonly string _idPrefix;
    private long _sequence;

    public UpdateFactory(HybridLogicalClock clock, IOptions<NodeOptions> node, TimeProvider time)
    {
        _clock = clock;
        _datacenter = node.Value.Datacenter;
        _idPrefix = $"{node.Value.Id}-{time.GetUtcNow().ToUnixTimeMilliseconds():x}-";
    }

    public UpdateEnvelope Create(string userId, IEnumerable<Op> ops)
    {
        var envelope = new UpdateEnvelope
        {
            SchemaVersion = EnvelopeRules.SchemaVersion,
            UserId = userId,
            OriginDc = _datacenter,
            Id = _idPrefix + Interlocked.Increment(ref _sequence).ToString("x"),
        };
        var index = 0;
        foreach (var op in ops)
        {
            op.Hlc = _clock.Now();
            op.Id = $"{envelope.Id}:{index++}";
            envelope.Ops.Add(op);
        }

        return envelope;
    }
}
