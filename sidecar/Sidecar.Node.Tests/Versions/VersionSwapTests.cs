using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sidecar.Common.Envelope;
using Sidecar.Common.Kafka;
using Sidecar.Node.Apply;
using Sidecar.Node.Ingest;
using Sidecar.Node.Storage;
using Sidecar.Node.Versions;
using Sidecar.Testing;

namespace Sidecar.Node.Tests.Versions;

/// <summary>
/// The swap owner against real RocksDB versions, wired as the node wires it, without Kafka: with
/// no partition assigned yet a catch-up has nothing to read, so every step is the swap's own.
/// </summary>
public sealed class VersionSwapTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly TempDir _dir = new();
    private readonly ServiceProvider _services;
    private readonly VersionedStore _store;
    private readonly VersionSwap _swap;
    private readonly BatchApplier _applier;
    private readonly Envelopes _envelopes = new("dc-a");
    private long _offset;

    public VersionSwapTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Node:Id"] = "n1",
            ["Node:Datacenter"] = "dc-a",
            ["Node:DataRoot"] = _dir.Path,
            // Never connected to: no test reads a partition.
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSidecarNode(configuration).BuildServiceProvider();
        _store = _services.GetRequiredService<VersionedStore>();
        _swap = _services.GetRequiredService<VersionSwap>();
        _applier = _services.GetRequiredService<UpdateConsumers>().Applier();
    }

    [Fact]
    public async Task A_prepared_version_waits_for_ingests_turn_and_then_gets_every_batch_too()
    {
        Assert.False(_swap.WantsTurn);
        var preparing = _swap.PrepareAsync(_store.OpenVersion("v2"), CancellationToken.None);
        await Until(() => _swap.WantsTurn);
        Assert.Equal(SwapPhase.Staged, _swap.Staged!.Phase);
        Assert.False(preparing.IsCompleted);

        ApplyBatch("u1");
        var staged = await preparing.WaitAsync(Wait);

        Assert.Equal(SwapPhase.Dual, staged.Phase);
        Assert.False(_swap.WantsTurn);
        // The batch of the turn that caught it up went to both.
        Assert.NotNull(UserStore.Read(staged.Version, "u1"));
        ApplyBatch("u2");
        Assert.NotNull(UserStore.Read(staged.Version, "u2"));
    }

    [Fact]
    public async Task Only_a_version_in_dual_apply_is_promoted()
    {
        Assert.Throws<InvalidOperationException>(() => _swap.Promote("v2"));
        var preparing = _swap.PrepareAsync(_store.OpenVersion("v2"), CancellationToken.None);
        await Until(() => _swap.WantsTurn);

        var error = Assert.Throws<InvalidOperationException>(() => _swap.Promote("v2"));
        Assert.Equal("version v2 is not staged and caught up", error.Message);
        Assert.Equal(VersionedStore.InitialVersion, _store.LiveVersionId);

        ApplyBatch("u1");
        await preparing.WaitAsync(Wait);
        Assert.Throws<InvalidOperationException>(() => _swap.Promote("v3"));
        _swap.Promote("v2");

        Assert.Equal("v2", _store.LiveVersionId);
        Assert.Null(_swap.Staged);
        Assert.Equal("v2", File.ReadAllText(Path.Combine(_dir.Path, "CURRENT")));
        ApplyBatch("u2");
        using var live = _store.Acquire();
        Assert.NotNull(UserStore.Read(live.Version, "u2"));
    }

    [Fact]
    public async Task A_batch_whose_leases_were_taken_before_the_promote_still_goes_to_the_new_live_version()
    {
        var preparing = _swap.PrepareAsync(_store.OpenVersion("v2"), CancellationToken.None);
        await Until(() => _swap.WantsTurn);
        ApplyBatch("u1");
        await preparing.WaitAsync(Wait);

        var batch = Batch("late");
        using (var targets = _swap.BetweenBatches(CancellationToken.None))
        {
            _swap.Promote("v2");
            _applier.Apply(targets.Live, batch);
            targets.AlsoApply(batch);
        }

        using var live = _store.Acquire();
        Assert.Equal("v2", live.Version.Id);
        Assert.NotNull(UserStore.Read(live.Version, "late"));
    }

    [Fact]
    public async Task A_discarded_version_ends_its_preparation_gets_no_batch_and_frees_the_slot()
    {
        var preparing = _swap.PrepareAsync(_store.OpenVersion("v2"), CancellationToken.None);
        await Until(() => _swap.WantsTurn);
        var staged = _swap.Staged!;

        _swap.Discard(staged);
        _swap.Discard(staged); // a second discard does nothing (no second release)

        var error = await Assert.ThrowsAsync<OperationCanceledException>(() => preparing.WaitAsync(Wait));
        Assert.Equal("version v2 was discarded", error.Message);
        Assert.Null(_swap.Staged);
        Assert.False(_swap.WantsTurn);
        Assert.Equal(SwapPhase.Discarded, staged.Phase);
        Assert.True(staged.Version.IsClosed);
        Assert.Throws<InvalidOperationException>(() => _swap.Promote("v2"));
        ApplyBatch("u1");
        Assert.Equal(VersionedStore.InitialVersion, _store.LiveVersionId);

        // The slot beside the live version is free again.
        var next = _swap.PrepareAsync(_store.OpenVersion("v3"), CancellationToken.None);
        await Until(() => _swap.WantsTurn);
        ApplyBatch("u2");
        Assert.Equal("v3", (await next.WaitAsync(Wait)).Version.Id);
    }

    [Fact]
    public async Task A_cancelled_preparation_discards_its_version()
    {
        using var cts = new CancellationTokenSource();
        var preparing = _swap.PrepareAsync(_store.OpenVersion("v2"), cts.Token);
        await Until(() => _swap.WantsTurn);
        var staged = _swap.Staged!;

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => preparing.WaitAsync(Wait));
        Assert.Equal(SwapPhase.Discarded, staged.Phase);
        Assert.Null(_swap.Staged);
        Assert.True(staged.Version.IsClosed);
    }

    [Fact]
    public void Without_a_staged_version_a_batch_goes_to_the_live_one_only()
    {
        using var targets = _swap.BetweenBatches(CancellationToken.None);

        Assert.Equal(VersionedStore.InitialVersion, targets.Live.Id);
        targets.AlsoApply(Batch("u1")); // nothing to apply to
        Assert.Null(_swap.Staged);
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    /// <summary>One turn of ingest's apply stage, as <see cref="BatchProcessor"/> runs it.</summary>
    private void ApplyBatch(string userId)
    {
        var batch = Batch(userId);
        using var targets = _swap.BetweenBatches(CancellationToken.None);
        _applier.Apply(targets.Live, batch);
        targets.AlsoApply(batch);
    }

    private List<DecodedRecord> Batch(string userId)
    {
        var envelope = _envelopes.Create(userId, Envelopes.Incr("n", 1));
        var offset = _offset++;
        var record = new ConsumeResult<byte[], byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset("updates", 0, offset),
            Message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(userId), Value = envelope.ToByteArray() },
        };
        return [new DecodedRecord(record, envelope, new OriginPosition("dc-a", 0, offset), null)];
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
