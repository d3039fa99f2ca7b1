using Confluent.Kafka;
using Sidecar.Common.Envelope;

namespace Sidecar.Node.Rules;

/// <summary>What one source event sends: its envelopes, or itself to the dead-letter topic.</summary>
internal readonly record struct RuleOutput(UpdateEnvelope? Envelope, ConsumeResult<byte[], byte[]>? DeadLetter, string? Reason, string? Rule)
{
    public static RuleOutput Update(UpdateEnvelope envelope) => new(envelope, null, null, null);

    public static RuleOutput Dead(ConsumeResult<byte[], byte[]> record, string? rule, string reason) => new(null, record, reason, rule);
}
