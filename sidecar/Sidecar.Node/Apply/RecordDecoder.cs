using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Model;

namespace Sidecar.Node.Apply;

/// <summary>
/// Turns a consumed record into an update and its origin position, or a dead-letter reason.
/// A record of the local topic originates here at its own partition and offset; a mirrored
/// record carries its origin in headers, which must agree with the topic and the envelope.
/// </summary>
internal sealed class RecordDecoder
{
    private readonly string _localDc;
    private readonly string _updatesTopic;
    private readonly EnvelopeRules _rules;

    public RecordDecoder(string localDc, string updatesTopic, EnvelopeRules rules)
    {
        _localDc = localDc;
        _updatesTopic = updatesTopic;
        _rules = rules;
    }

    public DecodedRecord Decode(ConsumeResult<byte[], byte[]> record)
    {
        if (Heartbeats.IsHeartbeat(record.Message.Headers))
        {
            // Only the position advances.
            return new DecodedRecord(record, null, default, null);
        }

        UpdateEnvelope envelope;
        try
        {
            envelope = UpdateEnvelope.Parser.ParseFrom(record.Message.Value ?? []);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Dead(record, "not an update envelope: " + e.Message);
        }

        if (_rules.Check(envelope) is { } invalid)
        {
            return Dead(record, invalid);
        }

        if (record.Message.Key is null || Encoding.UTF8.GetString(record.Message.Key) != envelope.UserId)
        {
            return Dead(record, "record key is not the envelope's user id");
        }

        OriginPosition origin;
        if (record.Topic == _updatesTopic)
        {
            if (OriginHeaders.Read(record.Message.Headers) is { } claimed)
            {
                // Only mirrors carry origin headers; the replicator refuses to mirror such a
                // record too, so no datacenter applies it and they stay equal.
                return Dead(record, $"record in the local topic carries origin headers (from {claimed.Datacenter})");
            }

            origin = new OriginPosition(_localDc, record.Partition.Value, record.Offset.Value);
        }
        else
        {
            var topicOrigin = TopicNames.RemoteOrigin(record.Topic, _updatesTopic);
            if (OriginHeaders.Read(record.Message.Headers) is not { } headers)
            {
                return Dead(record, "mirrored record without origin headers");
            }

            if (headers.Datacenter != topicOrigin)
            {
                return Dead(record, $"origin header {headers.Datacenter} does not match topic {record.Topic}");
            }

            origin = headers;
        }

        return envelope.OriginDc == origin.Datacenter
            ? new DecodedRecord(record, envelope, origin, null)
            : Dead(record, $"envelope origin {envelope.OriginDc} does not match record origin {origin.Datacenter}");
    }

    private static DecodedRecord Dead(ConsumeResult<byte[], byte[]> record, string reason) =>
        new(record, null, default, reason);
}
