using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RocksDbSharp;
using Sidecar.Common.Clocks;
using Sidecar.Node.Apply;
using Sidecar.Node.Configuration;
using Sidecar.Node.Metrics;
using Sidecar.Node.Storage;
using Sidecar.Store;
using Sidecar.Store.State;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Integration;

/// <summary>
/// The background sweep on a real RocksDB, with a fake clock: nothing before its interval, then
/// one walk over every user in chunks, rewriting exactly those with expired entries, then quiet
/// until the next interval; a new live version starts the walk again.
/// </summary>
public sealed class ExpirySweepTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();
    private readonly Cache _cache = Cache.CreateLru(8 << 20);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly StoreOptions _options = new() { ItemTtl = TimeSpan.FromMinutes(1), ExpirySweepInterval = TimeSpan.FromMinutes(10) };

    [Fact]
    public void A_pass_rewrites_exactly_the_users_with_expired_entries_once_per_interval()
    {
        var version = Seeded("v1", users: 2_500);
        try
        {
            var sweep = new ExpirySweep(Options.Create(_options), _time, Metrics(), NullLogger<ExpirySweep>.Instance);
            Assert.False(sweep.Due);
            Assert.Equal(0, sweep.Step(version));

            _time.Advance(TimeSpan.FromMinutes(10));
            Assert.True(sweep.Due);
            // 1,000 users a turn: three turns for 2,500, half of them (the even ones) expired.
            Assert.Equal([500, 500, 250], new[] { sweep.Step(version), sweep.Step(version), sweep.Step(version) });
            Assert.False(sweep.Due);
            Assert.Equal(0, sweep.Step(version));

            for (var i = 0; i < 2_500; i++)
            {
                var state = UserStore.Read(version, $"u{i:D5}")!;
                if (i % 2 == 0)
                {
                    Assert.Empty(state.Fields);
                    Assert.Equal(Stamp(-2).Hlc, state.Newest); // the user's age stays
                }
                else
                {
                    Assert.Single(state.Fields);
                }
            }

            // The next pass finds nothing left to remove.
            _time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(0, sweep.Step(version) + sweep.Step(version) + sweep.Step(version));
            Assert.False(sweep.Due);
        }
        finally
        {
            version.Release();
        }
    }

    [Fact]
    public void A_new_live_version_starts_the_walk_again()
    {
        var first = Seeded("v1", users: 1_500);
        var second = Seeded("v2", users: 1_500);
        try
        {
            var sweep = new ExpirySweep(Options.Create(_options), _time, Metrics(), NullLogger<ExpirySweep>.Instance);
            _time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(500, sweep.Step(first));
            // Swapped mid-walk: the new version is walked from its first user, whole.
            Assert.Equal(500, sweep.Step(second));
            Assert.Equal(250, sweep.Step(second));
            Assert.False(sweep.Due);
        }
        finally
        {
            first.Release();
            second.Release();
        }
    }

    [Fact]
    public void Without_ItemTtl_there_is_no_sweep()
    {
        var sweep = new ExpirySweep(Options.Create(new StoreOptions { Ttl = TimeSpan.FromMinutes(1) }), _time, Metrics(), NullLogger<ExpirySweep>.Instance);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(sweep.Due);
    }

    /// <summary>A version with users u00000..: even ones hold a field two minutes old (expired at
    /// the sweep), odd ones a field an hour newer (fresh through both passes).</summary>
    private StoreVersion Seeded(string id, int users)
    {
        var version = StoreVersion.Open(id, _dir.Sub(id), new StoreOptions(), _cache);
        using var batch = new WriteBatch();
        for (var i = 0; i < users; i++)
        {
            var state = new UserState();
            state.Fields.Add(new FieldEntry { Name = "f", Stamp = Stamp(i % 2 == 0 ? -2 : 60), JsonValue = ByteString.CopyFromUtf8("1") });
            batch.Put(KeyLayout.Flat.User($"u{i:D5}"), state.ToByteArray());
        }

        version.Db.Write(batch);
        return version;
    }

    /// <summary>A stamp <paramref name="minutes"/> after the start.</summary>
    private static Stamp Stamp(int minutes) =>
        new() { Hlc = HybridLogicalClock.Encode(Start.AddMinutes(minutes).ToUnixTimeMilliseconds(), 0), Origin = "dc-a", Id = $"op{minutes}" };

    private NodeMetrics Metrics() => new(new NodeInstruments(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), _time), new DatasetScope("default"));

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }
}
