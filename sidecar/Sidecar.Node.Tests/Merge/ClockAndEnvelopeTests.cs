using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Sidecar.Common.Clocks;
using Sidecar.Common.Envelope;

namespace Sidecar.Node.Tests.Merge;

public sealed class ClockAndEnvelopeTests
{
    /// <summary>Whatever wall-clock time does (jumps back, stands still) and whatever is
    /// observed, every timestamp handed out is greater than everything before it.</summary>
    [Property(MaxTest = 200)]
    public Property Hlc_is_strictly_monotonic_and_passes_every_observed_timestamp() =>
        Prop.ForAll(
            (from steps in Gen.Choose(-5_000, 5_000).Zip(Gen.Choose(0, 3)).ListOf() select steps.ToList()).ToArbitrary(),
            steps =>
            {
                var time = new ManualTime(1_700_000_000_000);
                var clock = new HybridLogicalClock(time, TimeSpan.FromMinutes(1));
                ulong highest = 0;
                foreach (var (delta, action) in steps)
                {
                    time.Advance(delta);
                    if (action == 0)
                    {
                        var remote = HybridLogicalClock.Encode(time.Ms + delta / 10, 3);
                        if (clock.Observe(remote))
                        {
                            highest = Math.Max(highest, remote);
                        }

                        continue;
                    }

                    var now = clock.Now();
                    if (now <= highest)
                    {
                        return false;
                    }

                    highest = now;
                }

                return true;
            });

    [Fact]
    public void Hlc_refuses_timestamps_beyond_the_drift_bound()
    {
        var time = new ManualTime(1_700_000_000_000);
        var clock = new HybridLogicalClock(time, TimeSpan.FromSeconds(10));
        Assert.False(clock.Observe(HybridLogicalClock.Encode(time.Ms + 60_000, 0)));
        Assert.True(HybridLogicalClock.UnixMilliseconds(clock.Now()) < time.Ms + 1_000);
        Assert.True(clock.Observe(HybridLogicalClock.Encode(time.Ms + 5_000, 0)));
        Assert.Equal(time.Ms + 5_000, HybridLogicalClock.UnixMilliseconds(clock.Now()));
    }

    [Property(MaxTest = 200)]
    public Property Envelope_round_trips_through_its_wire_format() =>
        Prop.ForAll(HistoryGen.History().ToArbitrary(), history =>
            history.All(u => UpdateEnvelope.Parser.ParseFrom(u.Envelope.ToByteArray()).Equals(u.Envelope)));

    private sealed class ManualTime(long ms) : TimeProvider
    {
        public long Ms { get; private set; } = ms;

        public void Advance(long delta) => Ms += delta;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Ms);
    }
}
