using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Node.Configuration;
using Sidecar.Node.Coordination.Decisions;
using Sidecar.Node.Metrics;
using Sidecar.Node.Storage;
using Sidecar.Node.Versions;
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
/// or NO with the reason (bad checksum, bad format, missing files); keeps that vote in Consul
/// while the round is open: a failed write is tried again with a bounded backoff, and a vote
/// that lost its session is placed again with the new one;</item>
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
    private readonly VersionSwap _swap;
    private readonly RolloutOptions _options;
    private readonly ILogger<SnapshotAgent> _logger;
    private readonly TimeProvider _time;
    private readonly NodeMetrics _metrics;
    private readonly WriteBackoff _backoff = new();
    // Serialises vote writes: the preparation writes its vote at once, the loop writes it again.
    private readonly SemaphoreSlim _voteGate = new(1, 1);
    private Task _work = Task.CompletedTask;
    private CancellationTokenSource? _workCts;
    private ulong? _workRound;
    private volatile Ballot? _ballot;
    private (ulong Round, string Session)? _placed;

    public SnapshotAgent(
        NodeConsul consul,
        NodeSession session,
        VersionedStore store,
        VersionPreparer preparer,
        VersionSwap swap,
        IOptions<RolloutOptions> options,
        NodeMetrics metrics,
        TimeProvider time,
        ILogger<SnapshotAgent> logger)
    {
        _metrics = metrics;
        _time = time;
        _consul = consul;
        _session = session;
        _store = store;
        _preparer = preparer;
        _swap = swap;
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
                await Task.Delay(delay, _time, cancellationToken);
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
        // An abort (or a round that moved on) cancels this node's preparation for it.
        if (AgentDecision.ShouldCancelWork(status, Me, Local()))
        {
            _workCts?.Cancel();
        }

        var committed = status.CommittedVersion;
        var round = AgentDecision.MyRound(status, Me);
        _metrics.OpenRoundDeadline = round is { Decision: null } ? round.Proposal.Deadline : null;
        var action = AgentDecision.Next(status, Me, Local(), _time.GetUtcNow());
        switch (action)
        {
            case AgentAction.Promote:
                // The commit: one pointer swap; readers holding the old version finish on it.
                _swap.Promote(committed);
                _store.Prune(_options.RetainVersions);
                break;
            case AgentAction.PrepareCommitted:
                if (_swap.Staged is { } other && other.Version.Id != committed)
                {
                    _swap.Discard(other);
                }

                _logger.LogInformation("Committed version {Committed} is not live here: preparing it", committed);
                StartWork(null, committed, cancellationToken);
                break;
            case AgentAction.Prepare:
                _logger.LogInformation("Round {Round}: preparing version {Version}", round!.Proposal.Round, round.Proposal.Version);
                StartWork(round.Proposal, round.Proposal.Version, cancellationToken);
                break;
            case AgentAction.Vote or AgentAction.Revote:
                if (action == AgentAction.Revote)
                {
                    _logger.LogWarning("Round {Round}: this node's vote lost its session; placing it again with the current session", round!.Proposal.Round);
                }

                await WriteVoteAsync(round!.Proposal.Round, cancellationToken);
                break;
            case AgentAction.VoteStaged:
                _logger.LogWarning("Round {Round}: version {Version} is staged already by an earlier round this node did not see decided; voting for it as it is",
                    round!.Proposal.Round, round.Proposal.Version);
                await CastAsync(new Ballot(round.Proposal.Round, new Vote(Me, true, null, _time.GetUtcNow(), 0)), cancellationToken);
                break;
            case AgentAction.Discard when _swap.Staged is { } leftover:
                // Staged for a round that aborted (or vanished): not needed any more.
                _swap.Discard(leftover);
                _store.Prune(_options.RetainVersions);
                if (round is { Decision: null })
                {
                    // Left by an earlier round; this one is open: prepare it now, not at the next read.
                    await HandleAsync(status, cancellationToken);
                    return;
                }

                break;
        }

        await AcknowledgeAsync(status, cancellationToken);
    }

    /// <summary>This node's state for the decisions, read now.</summary>
    private AgentLocalState Local()
    {
        var staged = _swap.Staged;
        return new AgentLocalState(_store.LiveVersionId, staged?.Version.Id, staged?.Phase == SwapPhase.Dual, !_work.IsCompleted, _workRound, _ballot, _backoff.RetryAt);
    }

    /// <summary>Acknowledges a decided round once this node applied its outcome.</summary>
    private async Task AcknowledgeAsync(RolloutStatus status, CancellationToken cancellationToken)
    {
        if (!AgentDecision.ShouldAcknowledge(status, Me, Local(), _time.GetUtcNow()))
        {
            return;
        }

        var round = status.Round!;
        var decision = round.Decision!;
        var ack = new Ack(Me, decision.Outcome, _store.LiveVersionId, _time.GetUtcNow());
        try
        {
            await _consul.Rollout.Kv.PutAsync(_consul.Keys.Ack(round.Proposal.Round, Me), RolloutJson.Bytes(ack), cancellationToken: cancellationToken);
            _backoff.Succeeded();
            _ballot = null;
            _logger.LogInformation("Round {Round}: acknowledged {Outcome}, live version {Version}", round.Proposal.Round, decision.Outcome, _store.LiveVersionId);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
        {
            var wait = _backoff.Failed(_time.GetUtcNow());
            _logger.LogWarning("Round {Round}: acknowledging failed ({Error}); trying again in {Wait}", round.Proposal.Round, e.Message, wait);
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
        var started = _time.GetTimestamp();
        StagedVersion? staged = null;
        try
        {
            var opened = await _preparer.OpenAsync(version, cancellationToken);
            // The swap owns the opened version from here: it catches it up and stages it for dual
            // apply, and discards it itself when that fails.
            staged = await _swap.PrepareAsync(opened, cancellationToken);
            if (_options.PrepareDelay > TimeSpan.Zero && proposal is not null)
            {
                _logger.LogWarning("Holding the vote back for {Delay} (Rollout:PrepareDelay)", _options.PrepareDelay);
                await Task.Delay(_options.PrepareDelay, _time, cancellationToken);
            }

            var seconds = _time.GetElapsedTime(started).TotalSeconds;
            _logger.LogInformation("Prepared version {Version} in {Seconds:F2} s", version, seconds);
            if (proposal is not null)
            {
                await CastAsync(new Ballot(proposal.Round, new Vote(Me, true, null, _time.GetUtcNow(), seconds)), cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("Preparing version {Version} failed: {Error}", version, e.Message);
            Release(staged);
            if (proposal is not null)
            {
                var reason = AgentDecision.NoVoteReason(e);
                await CastAsync(new Ballot(proposal.Round, new Vote(Me, false, reason, _time.GetUtcNow(), _time.GetElapsedTime(started).TotalSeconds)), CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
            _logger.LogInformation("Preparation of version {Version} cancelled", version);
            Release(staged);
        }
    }

    /// <summary>Discards a version prepared to dual apply whose vote then failed or was cancelled.</summary>
    private void Release(StagedVersion? staged)
    {
        if (staged is not null)
        {
            _swap.Discard(staged);
        }
    }

    /// <summary>Keeps the ballot (the loop writes it again until it holds: see <see cref="AgentDecision"/>)
    /// and writes it now, so a vote does not wait for the next read.</summary>
    private async Task CastAsync(Ballot ballot, CancellationToken cancellationToken)
    {
        _ballot = ballot;
        await WriteVoteAsync(ballot.Round, cancellationToken);
    }

    /// <summary>
    /// Writes this node's ballot for <paramref name="round"/> as its vote, acquired with the current
    /// session (created again if the one before was lost). A failure is logged and leaves the
    /// ballot for the loop, which tries again after <see cref="WriteBackoff"/>'s wait.
    /// </summary>
    private async Task WriteVoteAsync(ulong round, CancellationToken cancellationToken)
    {
        await _voteGate.WaitAsync(cancellationToken);
        try
        {
            if (_ballot is not { } ballot || ballot.Round != round)
            {
                return;
            }

            var session = await _session.GetAsync(cancellationToken);
            if (_placed == (round, session))
            {
                return; // Held by this live session already: the read that asked for it was older than the write.
            }

            var vote = ballot.Vote;
            if (await _consul.Rollout.Kv.AcquireAsync(_consul.Keys.Vote(round, Me), RolloutJson.Bytes(vote), session, cancellationToken: cancellationToken))
            {
                _placed = (round, session);
                _backoff.Succeeded();
                _logger.LogInformation("Round {Round}: voted {Vote}{Reason} (session {Session})", round, vote.Yes ? "YES" : "NO", vote.Reason is null ? "" : ": " + vote.Reason, session);
            }
            else
            {
                // Another session holds the key: this node's previous life, until Consul ends it.
                var wait = _backoff.Failed(_time.GetUtcNow());
                _logger.LogWarning("Round {Round}: could not place the vote (key held by another session); trying again in {Wait}", round, wait);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or NodeNotReadyException)
        {
            // Kept: the loop writes it again while the round is undecided.
            var wait = _backoff.Failed(_time.GetUtcNow());
            _logger.LogError("Round {Round}: voting failed: {Error}; trying again in {Wait}", round, e.Message, wait);
        }
        finally
        {
            _voteGate.Release();
        }
    }
}
