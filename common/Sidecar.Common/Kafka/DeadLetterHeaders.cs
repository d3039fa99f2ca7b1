namespace Sidecar.Common.Kafka;

/// <summary>Headers on a dead-letter record, beside the original record's own headers.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Why the record was not applied (UTF-8 text).</summary>
    public const string Reason = "sc-dlq-reason";

    /// <summary>Where it was read: "topic [[partition]] @offset".</summary>
    public const string Source = "sc-dlq-source";

    /// <summary>The ingest rule that failed on the event (UTF-8 name); absent for records of the updates topics and for events that are bad whatever the rule (not JSON).</summary>
    public const string Rule = "sc-dlq-rule";
}
