using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sidecar.Common.Contracts;
using Sidecar.Node.Configuration;
using Sidecar.Node.Metrics;

namespace Sidecar.Node.Tests.Ingest;

/// <summary>The gauges the alert rules read: readiness (set by the lag monitor with the ingest status), and a rollout round past its deadline.</summary>
public sealed class NodeGaugeTests
{
    [Fact]
    public void A_round_is_overdue_only_past_its_deadline()
    {
        var deadline = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(0, NodeMetrics.Overdue(null, deadline));
        Assert.Equal(0, NodeMetrics.Overdue(deadline, deadline - TimeSpan.FromSeconds(1)));
        Assert.Equal(0, NodeMetrics.Overdue(deadline, deadline));
        Assert.Equal(90, NodeMetrics.Overdue(deadline, deadline + TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void The_gauges_read_the_status_and_the_injected_clock()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = new NodeMetrics(new NodeInstruments(factory, time), new DatasetScope("default"));
        double Observe(string name) => ObserveOf(factory, name);

        Assert.Equal(0, Observe(NodeMetricNames.Ready.Name));
        metrics.Ready = true;
        Assert.Equal(1, Observe(NodeMetricNames.Ready.Name));

        metrics.OpenRoundDeadline = time.GetUtcNow() + TimeSpan.FromMinutes(10);
        Assert.Equal(0, Observe(NodeMetricNames.RolloutOverdue.Name));
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(60, Observe(NodeMetricNames.RolloutOverdue.Name));
        metrics.OpenRoundDeadline = null; // decided
        Assert.Equal(0, Observe(NodeMetricNames.RolloutOverdue.Name));
    }

    [Fact]
    public void Each_dataset_reports_its_own_gauges_and_counts_under_its_name()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var instruments = new NodeInstruments(factory, TimeProvider.System);
        var first = new NodeMetrics(instruments, new DatasetScope("default"));
        var second = new NodeMetrics(instruments, new DatasetScope("segments"));
        second.Ready = true;
        second.Lag = 7;
        first.Applied.Add(3);
        second.Applied.Add(5);

        var seen = new List<(string Instrument, long Value, string? Dataset)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == NodeMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Add(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == MetricAttributes.Dataset)
                {
                    seen.Add((instrument.Name, value, tag.Value as string));
                }
            }
        }

        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();
        first.Applied.Add(1);
        second.Applied.Add(2);
        listener.RecordObservableInstruments();

        Assert.Contains((NodeMetricNames.UpdatesApplied.Name, 1L, "default"), seen);
        Assert.Contains((NodeMetricNames.UpdatesApplied.Name, 2L, "segments"), seen);
        Assert.Contains((NodeMetricNames.Ready.Name, 0L, "default"), seen);
        Assert.Contains((NodeMetricNames.Ready.Name, 1L, "segments"), seen);
        Assert.Contains((NodeMetricNames.IngestLag.Name, 0L, "default"), seen);
        Assert.Contains((NodeMetricNames.IngestLag.Name, 7L, "segments"), seen);
    }

    /// <summary>The gauge of this test's meter factory only: other tests create node meters too.</summary>
    private static double ObserveOf(IMeterFactory factory, string name)
    {
        double? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == NodeMetrics.MeterName && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, v, _, _) => value = v);
        listener.SetMeasurementEventCallback<double>((_, v, _, _) => value = v);
        listener.Start();
        listener.RecordObservableInstruments();
        return value ?? throw new InvalidOperationException($"{name} was not observed");
    }
}
