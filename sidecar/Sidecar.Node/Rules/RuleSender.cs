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

    /// <summary>Throws <see cref="OperationCanceledException"/> when <paramref name="stop"/> ends the retries.</summary>
    public void Send(List<RuleOutput> outputs, CancellationToken stop)
    {
        var pending = outputs;
        var delay = FirstDelay;
        while (pending.Count > 0)
        {
            var failed = new List<RuleOutput>();
            string? reason = null;
            // Not disposed: on a stop, acknowledgements may still arrive after this method has thrown.
            var done = new CountdownEvent(1);
            foreach (var output in pending)
            {
                done.AddCount();
                void OnDelivery(DeliveryReport<byte[], byte[]> report)
                {
                    if (report.Error.IsError)
                    {
                        lock (failed)
                        {
                            failed.Add(output);
                            reason = report.Error.Reason;
                        }
                    }

                    done.Signal();
                }

                ProduceWhenRoom(output, OnDelivery, stop);
            }

            done.Signal();
            while (!done.Wait(TimeSpan.FromSeconds(1), stop))
            {
                // Waiting for acknowledgements; the producer's own retries run meanwhile.
            }

            pending = failed;
            if (pending.Count > 0)
            {
                logger.LogError("{Count} outputs of ingest rules were not acknowledged ({Reason}); sending them again in {Delay}", pending.Count, reason, delay);
                stop.WaitHandle.WaitOne(delay);
                stop.ThrowIfCancellationRequested();
                delay = DeadLetterSender.NextDelay(delay);
            }
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
                    producer.Produce(output.Topic!, envelope, onDelivery);
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
