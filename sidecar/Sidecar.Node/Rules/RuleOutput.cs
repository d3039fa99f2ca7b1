using Confluent.Kafka;
using Sidecar.Common.Envelope;

namespace Sidecar.Node.Rules;

/// <summary>What one source event sends: its envelopes, each to its dataset's topic, or itself to the dead-letter topic.</summary>
internal readonly record struct RuleOutput(UpdateEnvelope? Envelope, string? Topic, ConsumeResult<byte[], byte[]>? DeadLetter, string? Reason, string? Rule)
{
    public static RuleOutput Update(UpdateEnvelope envelope, string topic) => new(envelope, topic, null, null, null);

    public static RuleOutput Dead(ConsumeResult<byte[], byte[]> record, string? rule, string reason) => new(null, null, record, reason, rule);
}
