using Microsoft.Extensions.Options;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;
using Sidecar.Node.Configuration;
using Sidecar.Node.Model;

namespace Sidecar.Node.Api;

/// <summary>
/// Stamps the ops of an accepted write: origin datacenter, a fresh HLC timestamp per op, the
/// request's id (<see cref="RequestIds"/>) and op ids made from it.
/// </summary>
internal sealed class UpdateFactory
{
    private readonly HybridLogicalClock _clock;
    private readonly string _datacenter;

    public UpdateFactory(HybridLogicalClock clock, IOptions<NodeOptions> node)
    {
        _clock = clock;
        _datacenter = node.Value.Datacenter;
    }

    public UpdateEnvelope Create(string userId, string requestId, IEnumerable<Op> ops)
    {
        var envelope = new UpdateEnvelope
        {
            SchemaVersion = EnvelopeRules.SchemaVersion,
            UserId = userId,
            OriginDc = _datacenter,
            Id = requestId,
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
