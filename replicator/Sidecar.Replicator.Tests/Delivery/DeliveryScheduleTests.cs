using Sidecar.Replicator.Delivery;

namespace Sidecar.Replicator.Tests.Delivery;

public sealed class DeliveryScheduleTests
{
    [Fact]
    public void Reports_are_served_whenever_the_source_had_no_record()
    {
        var schedule = new DeliverySchedule();
        schedule.Served(1_000);

        Assert.True(schedule.Due(consumed: false, 1_000));
        Assert.True(schedule.Due(consumed: false, 1_000));
    }

    [Fact]
    public void Reports_are_served_after_64_records()
    {
        var schedule = new DeliverySchedule();
        schedule.Served(1_000);
        for (var i = 1; i < DeliverySchedule.RecordsPerPoll; i++)
        {
            Assert.False(schedule.Due(consumed: true, 1_000), $"record {i}");
        }

        Assert.True(schedule.Due(consumed: true, 1_000));
        Assert.Equal(64, DeliverySchedule.RecordsPerPoll);
    }

    [Fact]
    public void A_quiet_turn_does_not_count_as_a_record()
    {
        var schedule = new DeliverySchedule();
        schedule.Served(1_000);
        for (var i = 0; i < DeliverySchedule.RecordsPerPoll - 2; i++)
        {
            schedule.Due(consumed: true, 1_000);
        }

        Assert.True(schedule.Due(consumed: false, 1_000));
        Assert.False(schedule.Due(consumed: true, 1_000));
        Assert.True(schedule.Due(consumed: true, 1_000));
    }

    [Fact]
    public void Reports_are_served_5_ms_after_the_last_time()
    {
        var schedule = new DeliverySchedule();
        schedule.Served(1_000);

        Assert.False(schedule.Due(consumed: true, 1_004));
        Assert.True(schedule.Due(consumed: true, 1_005));
    }

    [Fact]
    public void Serving_starts_the_count_and_the_time_again()
    {
        var schedule = new DeliverySchedule();
        schedule.Served(1_000);
        for (var i = 0; i < DeliverySchedule.RecordsPerPoll - 1; i++)
        {
            schedule.Due(consumed: true, 1_000);
        }

        schedule.Served(1_004);

        Assert.False(schedule.Due(consumed: true, 1_008));
        Assert.True(schedule.Due(consumed: true, 1_009));
    }

    [Fact]
    public void A_new_schedule_is_due_at_once() => Assert.True(new DeliverySchedule().Due(consumed: true, Environment.TickCount64));

    [Fact]
    public void The_loop_waits_for_a_record_briefly_only_while_records_are_in_flight()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), DeliverySchedule.ConsumeTimeout(inFlight: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(5), DeliverySchedule.ConsumeTimeout(inFlight: 1));
        Assert.Equal(TimeSpan.FromMilliseconds(5), DeliverySchedule.ConsumeTimeout(inFlight: 100_000));
    }
}
