using Confluent.Kafka;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;

namespace Sidecar.Node.Ingest;

/// <summary>A consumed record: an applicable update with its origin, or the reason it is not one.</summary>
internal readonly record struct DecodedRecord(
    ConsumeResult<byte[], byte[]> Record,
    UpdateEnvelope? Envelope,
    OriginPosition Origin,
    string? DeadLetterReason);
