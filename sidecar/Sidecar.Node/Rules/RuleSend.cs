using Confluent.Kafka;

namespace Sidecar.Node.Rules;

/// <summary>
/// One batch's outputs on their way to Kafka: how many acknowledgements are still due, and the
/// outputs that failed (to be sent again). Delivery reports arrive on the producer's thread.
/// </summary>
internal sealed class RuleSend
{
    // Not disposed: on a stop, acknowledgements may still arrive after the loop has gone.
    private readonly CountdownEvent _due = new(1);
    private readonly List<RuleOutput> _failed = [];
    private string? _reason;

    /// <summary>One more output handed to the producer.</summary>
    public void Expect() => _due.AddCount();

    /// <summary>Every output is handed over: the count started at one so that it could not reach zero before.</summary>
    public void HandedOver() => _due.Signal();

    public void Delivered(RuleOutput output, DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            lock (_failed)
            {
                _failed.Add(output);
                _reason = report.Error.Reason;
            }
        }

        _due.Signal();
    }

    public bool Wait(TimeSpan timeout, CancellationToken stop) => _due.Wait(timeout, stop);

    /// <summary>Once <see cref="Wait"/> returned true: the outputs Kafka refused, and the last reason.</summary>
    public (List<RuleOutput> Failed, string? Reason) Failed()
    {
        lock (_failed)
        {
            return ([.. _failed], _reason);
        }
    }
}
