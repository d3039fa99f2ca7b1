namespace Sidecar.Common.Kafka;

/// <summary>Headers on a dead-letter record, beside the original record's own headers.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Why the record was not applied (UTF-8 text).</summary>
    public const string Reason = "sc-dlq-reason";

    /// <summary>Where it was read: "topic [[partition]] @offset".</summary>
    public const string Source = "sc-dlq-source";
}
