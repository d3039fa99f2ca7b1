using Confluent.Kafka;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;

namespace Sidecar.Node.Apply;

/// <summary>
/// A consumed record: an applicable update with its origin, the reason it is not one, or
/// neither (a replication heartbeat, which only advances the position).
/// </summary>
internal readonly record struct DecodedRecord(
    ConsumeResult<byte[], byte[]> Record,
    UpdateEnvelope? Envelope,
    OriginPosition Origin,
    string? DeadLetterReason);
