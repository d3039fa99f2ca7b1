using Confluent.Kafka;
using Sidecar.Node.Ingest;
using Sidecar.Node.Kafka;

namespace Sidecar.Node.Rules;

/// <summary>
/// Sends a batch's outputs and returns only when Kafka has acknowledged every one of them: the
/// source offsets are committed after that, never before, so a crash in between maps the events
/// again, to the same ids, which apply once. Failed sends are retried (100 ms doubling to 10 s)
/// until they land or the node stops.
/// </summary>
internal sealed class RuleSender(UpdateProducer producer, ILogger<RuleSender> logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Sends and waits for every acknowledgement; throws <see cref="OperationCanceledException"/> when <paramref name="stop"/> ends the retries.</summary>
    public void Send(List<RuleOutput> outputs, CancellationToken stop) => Finish(Start(outputs, stop), stop);

    /// <summary>
    /// Hands every output to the producer and returns without waiting, so that the caller can map
    /// the next batch while Kafka acknowledges this one. <paramref name="outputs"/> may be reused
    /// once this returns. <see cref="Finish"/> must be called before the batch's offsets are committed.
    /// </summary>
    public RuleSend Start(List<RuleOutput> outputs, CancellationToken stop)
    {
        var send = new RuleSend();
        foreach (var output in outputs)
        {
            send.Expect();
            ProduceWhenRoom(output, report => send.Delivered(output, report), stop);
        }

        send.HandedOver();
        return send;
    }

    /// <summary>Returns when every output of <paramref name="send"/> is acknowledged, sending the failed ones again (100 ms doubling to 10 s) until they land.</summary>
    public void Finish(RuleSend send, CancellationToken stop)
    {
        var delay = FirstDelay;
        while (true)
        {
            while (!send.Wait(TimeSpan.FromSeconds(1), stop))
            {
                // Waiting for acknowledgements; the producer's own retries run meanwhile.
            }

            var (failed, reason) = send.Failed();
            if (failed.Count == 0)
            {
                return;
            }

            logger.LogError("{Count} outputs of ingest rules were not acknowledged ({Reason}); sending them again in {Delay}", failed.Count, reason, delay);
            stop.WaitHandle.WaitOne(delay);
            stop.ThrowIfCancellationRequested();
            delay = DeadLetterSender.NextDelay(delay);
            send = Start(failed, stop);
        }
    }

    private void ProduceWhenRoom(RuleOutput output, Action<DeliveryReport<byte[], byte[]>> onDelivery, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                if (output.Envelope is { } envelope)
                {
                    producer.Produce(envelope, onDelivery);
                }
                else
                {
                    producer.ProduceDeadLetter(output.DeadLetter!, output.Reason!, onDelivery, output.Rule);
                }

                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The producer's queue is full: wait for acknowledgements to make room.
                stop.WaitHandle.WaitOne(10);
                stop.ThrowIfCancellationRequested();
            }
        }
    }
}
