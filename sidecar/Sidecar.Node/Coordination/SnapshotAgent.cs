using System.Diagnostics;
using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Node.Configuration;
using Sidecar.Node.Ingest;
using Sidecar.Node.Storage;
using Sidecar.Store.Rollout;
using Sidecar.Store.Snapshots;

namespace Sidecar.Node.Coordination;

/// <summary>
/// This node's part in rollouts. It follows the rollout keys with blocking reads and, from what
/// it reads alone (so a restart resumes correctly):
/// <list type="bullet">
/// <item>converges to the committed version: promotes the staged version the moment a commit
/// lands, or prepares the committed version and then promotes it (a node that missed the round);</item>
/// <item>in an undecided round it takes part in, prepares the proposed version and votes YES,
/// or NO with the reason (bad checksum, bad format, missing files);</item>
/// <item>after a decision, discards what an abort left staged and acknowledges.</item>
/// </list>
/// At start-up, before ingest runs, it loads the committed version, so a joining or restarted
/// node reports ready only on it.
/// </summary>
internal sealed class SnapshotAgent : BackgroundService
{
    private readonly NodeConsul _consul;
    private readonly NodeSession _session;
    private readonly VersionedStore _store;
    private readonly VersionPreparer _preparer;
    private readonly CatchUp _catchUp;
    private readonly ApplyProgress _progress;
    private readonly RolloutOptions _options;
    private readonly ILogger<SnapshotAgent> _logger;
    private Task _work = Task.CompletedTask;
    private CancellationTokenSource? _workCts;
    private ulong? _workRound;

    public SnapshotAgent(
        NodeConsul consul,
        NodeSession session,
        VersionedStore store,
        VersionPreparer preparer,
        CatchUp catchUp,
        ApplyProgress progress,
        IOptions<RolloutOptions> options,
        ILogger<SnapshotAgent> logger)
    {
        _consul = consul;
        _session = session;
        _store = store;
        _preparer = preparer;
        _catchUp = catchUp;
        _progress = progress;
        _options = options.Value;
        _logger = logger;
    }

    private string Me => _consul.NodeId;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadCommittedAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // Stopped while starting: the host is shutting down anyway.
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Start-up: ingest has not started, so the committed version can simply replace the
    /// live one; ingest then catches it up from its own stored positions.</summary>
    private async Task LoadCommittedAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        _logger.LogInformation("Reading the committed version from Consul at {Address} before serving", _consul.Options.Address);
        while (true)
        {
            try
            {
                var status = await RolloutReader.ReadAsync(_consul.Rollout, _consul.Keys, cancellationToken);
                var committed = status.CommittedVersion;
                if (committed != _store.LiveVersionId)
                {
                    _logger.LogInformation("Committed version is {Committed}, this node has {Live}: loading it before serving", committed, _store.LiveVersionId);
                    _store.Adopt(await _preparer.OpenAsync(committed, cancellationToken));
                }

                _store.Prune(_options.RetainVersions);
                var staging = Path.Combine(_store.Root, "staging");
                if (Directory.Exists(staging))
                {
                    _store.TryDelete(staging);
                }

                await AcknowledgeAsync(status, cancellationToken);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or SnapshotInvalidException or InvalidDataException
                or IOException or RocksDbSharp.RocksDbException or InvalidOperationException)
            {
                // Not ready until the committed version is known and loaded: keep trying.
                _logger.LogWarning("Cannot load the committed version yet ({Error}); retrying in {Delay}", e.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RolloutFollower.RunAsync(_consul, _options.PollInterval, HandleAsync, e => _logger.LogWarning("Rollout agent: {Error}", e.Message), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        _workCts?.Cancel();
        await _work.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task HandleAsync(RolloutStatus status, CancellationToken cancellationToken)
    {
        var round = status.Round is { } r && r.IsParticipant(Me) ? r : null;
        var committed = status.CommittedVersion;

        // An abort (or a round that moved on) cancels this node's preparation for it.
        if (_workRound is { } working && !_work.IsCompleted && (round is null || round.Proposal.Round != working || round.Decision is { Committed: false }))
        {
            _workCts?.Cancel();
        }

        if (committed != _store.LiveVersionId)
        {
            if (_store.Staged is { Dual: true } staged && staged.Version.Id == committed)
            {
                // The commit: one pointer swap; readers holding the old version finish on it.
                _store.Promote(committed);
                _store.Prune(_options.RetainVersions);
            }
            else if (_work.IsCompleted)
            {
                if (_store.Staged is { } other && other.Version.Id != committed)
                {
                    _store.Discard(other.Version);
                }

                if (_store.Staged is null)
                {
                    _logger.LogInformation("Committed version {Committed} is not live here: preparing it", committed);
                    StartWork(null, committed, cancellationToken);
                }
            }
        }
        else if (round is { Decision: null } && round.VoteOf(Me) is null && _work.IsCompleted && _store.Staged is null)
        {
            _logger.LogInformation("Round {Round}: preparing version {Version}", round.Proposal.Round, round.Proposal.Version);
            StartWork(round.Proposal, round.Proposal.Version, cancellationToken);
        }
        else if (_work.IsCompleted && _store.Staged is { } leftover && (round is null || round.Decision is not null))
        {
            // Staged for a round that aborted (or vanished): not needed any more.
            _store.Discard(leftover.Version);
            _store.Prune(_options.RetainVersions);
        }

        await AcknowledgeAsync(status, cancellationToken);
    }

    /// <summary>Acknowledges a decided round once this node applied its outcome.</summary>
    private async Task AcknowledgeAsync(RolloutStatus status, CancellationToken cancellationToken)
    {
        if (status.Round is not { Decision: { } decision } round || !round.IsParticipant(Me) || round.Acks.Any(a => a.Node == Me))
        {
            return;
        }

        var applied = decision.Committed
            ? _store.LiveVersionId == round.Proposal.Version
            : _store.Staged?.Version.Id != round.Proposal.Version && (_workRound != round.Proposal.Round || _work.IsCompleted);
        if (applied)
        {
            var ack = new Ack(Me, decision.Outcome, _store.LiveVersionId, DateTimeOffset.UtcNow);
            await _consul.Rollout.Kv.PutAsync(_consul.Keys.Ack(round.Proposal.Round, Me), RolloutJson.Bytes(ack), cancellationToken: cancellationToken);
            _logger.LogInformation("Round {Round}: acknowledged {Outcome}, live version {Version}", round.Proposal.Round, decision.Outcome, _store.LiveVersionId);
        }
    }

    private void StartWork(Proposal? proposal, string version, CancellationToken stoppingToken)
    {
        _workCts?.Dispose();
        _workCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _workRound = proposal?.Round;
        var token = _workCts.Token;
        _work = Task.Run(() => PrepareAsync(proposal, version, token), CancellationToken.None);
    }

    /// <summary>Prepares <paramref name="version"/> up to dual apply, then votes when in a round.</summary>
    private async Task PrepareAsync(Proposal? proposal, string version, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        StoreVersion? opened = null;
        StagedVersion? staged = null;
        try
        {
            opened = await _preparer.OpenAsync(version, cancellationToken);
            // Most of the catch-up off the ingest thread; ingest does the last stretch between two
            // batches and from then on applies every batch to both versions.
            await Task.Run(() => _catchUp.Run(opened, _progress.Snapshot(), cancellationToken), cancellationToken);
            staged = _store.Stage(opened);
            opened = null;
            await staged.DualReady.WaitAsync(cancellationToken);
            if (_options.PrepareDelay > TimeSpan.Zero && proposal is not null)
            {
                _logger.LogWarning("Holding the vote back for {Delay} (Rollout:PrepareDelay)", _options.PrepareDelay);
                await Task.Delay(_options.PrepareDelay, cancellationToken);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            _logger.LogInformation("Prepared version {Version} in {Seconds:F2} s", version, seconds);
            if (proposal is not null)
            {
                await VoteAsync(proposal, new Vote(Me, true, null, DateTimeOffset.UtcNow, seconds), cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("Preparing version {Version} failed: {Error}", version, e.Message);
            Release(opened, staged);
            if (proposal is not null)
            {
                var reason = e is SnapshotInvalidException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                await VoteAsync(proposal, new Vote(Me, false, reason, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(started).TotalSeconds), CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
            _logger.LogInformation("Preparation of version {Version} cancelled", version);
            Release(opened, staged);
        }
    }

    private void Release(StoreVersion? opened, StagedVersion? staged)
    {
        if (staged is not null)
        {
            _store.Discard(staged.Version);
        }

        opened?.Release();
    }

    private async Task VoteAsync(Proposal proposal, Vote vote, CancellationToken cancellationToken)
    {
        try
        {
            var session = await _session.GetAsync(cancellationToken);
            var key = _consul.Keys.Vote(proposal.Round, Me);
            if (await _consul.Rollout.Kv.AcquireAsync(key, RolloutJson.Bytes(vote), session, cancellationToken: cancellationToken))
            {
                _logger.LogInformation("Round {Round}: voted {Vote}{Reason}", proposal.Round, vote.Yes ? "YES" : "NO", vote.Reason is null ? "" : ": " + vote.Reason);
            }
            else
            {
                _logger.LogWarning("Round {Round}: could not place the vote (key held by another session)", proposal.Round);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or NodeNotReadyException)
        {
            // No vote: the coordinator aborts at the deadline, or sooner if this node turns unhealthy.
            _logger.LogError("Round {Round}: voting failed: {Error}", proposal.Round, e.Message);
        }
    }
}
