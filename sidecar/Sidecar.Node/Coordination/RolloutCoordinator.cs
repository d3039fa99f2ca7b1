using Microsoft.Extensions.Options;
using Sidecar.Common.Consul;
using Sidecar.Node.Configuration;
using Sidecar.Node.Coordination.Decisions;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination;

/// <summary>
/// Coordinator duty, held by whichever node's session holds <c>rollout/leader</c>. It keeps no
/// state of its own: every step is decided from the keys, so a new leader simply continues a
/// round where a dead one left it (a decided round needs nothing more from it: participants act
/// on the decision themselves).
/// <list type="number">
/// <item>A pending request becomes a round: the proposal (participants: the service's passing
/// instances, <see cref="Followers"/>) is created and the request deleted in one transaction;
/// <see cref="ProposalDecision"/> says whether it is refused (then decided as an abort at once).</item>
/// <item>An undecided round is decided by <see cref="CoordinatorDecision"/>: it aborts on a NO
/// vote, on a participant without a live vote that is no longer healthy, at its deadline, or
/// <c>Rollout:VoteTimeout</c> after its first vote; it commits once every participant holds a live
/// YES vote, with one transaction (<see cref="CommitTransaction"/>) that checks the proposal and
/// every vote's session, CASes <c>rollout/current</c> and creates the decision (create-only, so it
/// is written once).</item>
/// </list>
/// </summary>
internal sealed class RolloutCoordinator : BackgroundService
{
    private readonly NodeConsul _consul;
    private readonly NodeSession _session;
    private readonly RolloutOptions _options;
    private readonly ILogger<RolloutCoordinator> _logger;
    private readonly TimeProvider _time;
    private DateTimeOffset _nextPrune;

    public RolloutCoordinator(NodeConsul consul, NodeSession session, IOptions<RolloutOptions> options, TimeProvider time, ILogger<RolloutCoordinator> logger)
    {
        _time = time;
        _consul = consul;
        _session = session;
        _options = options.Value;
        _logger = logger;
    }

    private RolloutKeys Keys => _consul.Keys;

    private ConsulClient Consul => _consul.Rollout;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Creating the session fails while this node is not ready: it then cannot lead (logged at debug).
        RolloutFollower.RunAsync(_consul, _options.PollInterval, StepAsync, OnError, stoppingToken);

    private void OnError(Exception e)
    {
        if (e is ConsulException or HttpRequestException or TimeoutException or NodeNotReadyException)
        {
            _logger.LogDebug("Coordinator: {Error}", e.Message);
        }
        else
        {
            _logger.LogError(e, "Coordinator step failed");
        }
    }

    private async Task StepAsync(RolloutStatus status, CancellationToken cancellationToken)
    {
        if (!_options.Coordinate || (status.Round is null && status.Request is null))
        {
            return; // Nothing to coordinate; do not even hold a session.
        }

        var session = await _session.GetAsync(cancellationToken);
        if (status.LeaderSession != session)
        {
            if (status.LeaderSession is null && await Consul.Kv.AcquireAsync(Keys.Leader, System.Text.Encoding.UTF8.GetBytes(_consul.NodeId), session, cancellationToken: cancellationToken))
            {
                _logger.LogInformation("This node now coordinates rollouts");
            }

            return; // Act on the next read, which shows the lock held.
        }

        if (status.Round is { Decision: null } round)
        {
            await DecideAsync(round, cancellationToken);
        }
        else if (status.Request is { } request)
        {
            await ProposeAsync(status, request, cancellationToken);
        }
        else if (_time.GetUtcNow() > _nextPrune)
        {
            await PruneAsync(cancellationToken);
            _nextPrune = _time.GetUtcNow() + RoundPruning.Interval;
        }
    }

    private async Task ProposeAsync(RolloutStatus status, RolloutRequest request, CancellationToken cancellationToken)
    {
        var round = status.RequestIndex;
        var now = _time.GetUtcNow();
        VersionEntry? entry = null;
        if (request.Version != status.CommittedVersion
            && (await Consul.Kv.GetAsync(Keys.Version(request.Version), cancellationToken: cancellationToken)).Value is { } indexed)
        {
            entry = RolloutJson.Parse<VersionEntry>(indexed.Value, indexed.Key);
        }

        var refusal = ProposalDecision.VersionRefusal(request.Version, status.CommittedVersion, published: entry is not null);
        var location = entry?.Location ?? "";
        IReadOnlyList<Participant> participants = [];
        if (refusal is null)
        {
            // A datacenter round does not depend on the other datacenters being reachable.
            var followers = await FollowersAsync(null, tolerateUnreachable: true, cancellationToken);
            participants = followers.Participants;
            refusal = ProposalDecision.ParticipantsRefusal(request.Scope, followers, _consul.RolloutDatacenter);
        }

        var proposal = new Proposal(round, request.Id, request.Version, location, request.Scope, participants,
            now + TimeSpan.FromSeconds(request.DeadlineSeconds), _consul.NodeId, now, status.Current?.Version ?? Sidecar.Store.VersionNames.Initial, status.CurrentIndex);
        var ops = new List<TxnOp>
        {
            TxnOp.CheckIndex(Keys.Request, status.RequestIndex),
            TxnOp.Cas(Keys.Proposal(round), RolloutJson.Bytes(proposal), 0),
            TxnOp.Delete(Keys.Request),
        };
        if (refusal is not null)
        {
            ops.Add(TxnOp.Cas(Keys.Decision(round), RolloutJson.Bytes(new Decision(Decision.Abort, refusal, request.Version, now)), 0));
        }

        var result = await Consul.Txn.ExecuteAsync(ops, cancellationToken: cancellationToken);
        if (result.Committed)
        {
            _logger.LogInformation("Round {Round}: proposed version {Version} to {Participants}{Refusal}", round, request.Version,
                string.Join(", ", participants.Select(p => p.Node)), refusal is null ? "" : "; refused: " + refusal);
        }
    }

    /// <summary>
    /// The passing instances of the service in <paramref name="datacenters"/> (null: every
    /// datacenter Consul knows), as <see cref="Followers"/>. A datacenter that cannot be asked is
    /// listed as unreachable (when proposing) or fails the call (when deciding: the round then
    /// waits, or meets its deadline).
    /// </summary>
    private async Task<Followers> FollowersAsync(IEnumerable<string>? datacenters, bool tolerateUnreachable, CancellationToken cancellationToken)
    {
        var here = _consul.RolloutDatacenter;
        datacenters ??= await _consul.Client.Catalog.DatacentersAsync(cancellationToken);
        var unreachable = new List<string>();
        var answers = await Task.WhenAll(datacenters.Distinct().Select(async dc =>
        {
            try
            {
                return (await _consul.Client.Health.ServiceAsync(_consul.Options.ServiceName, passingOnly: true, new ConsulQuery { Datacenter = dc }, cancellationToken)).Value;
            }
            catch (Exception e) when (tolerateUnreachable && dc != here && e is ConsulException or HttpRequestException or TimeoutException)
            {
                lock (unreachable)
                {
                    unreachable.Add(dc);
                }

                return [];
            }
        }));
        return Followers.From(answers.SelectMany(a => a), here, unreachable, _consul.Dataset);
    }

    private async Task DecideAsync(RoundStatus round, CancellationToken cancellationToken)
    {
        var proposal = round.Proposal;
        IReadOnlySet<string>? healthy = null;
        if (CoordinatorDecision.NeedsHealth(round))
        {
            try
            {
                healthy = (await FollowersAsync(proposal.Participants.Select(p => p.Datacenter), tolerateUnreachable: false, cancellationToken))
                    .Participants.Select(p => p.Node).ToHashSet();
            }
            catch (Exception e) when (e is ConsulException or HttpRequestException or TimeoutException)
            {
                // Health unknown: only the timeouts can decide this read.
                _logger.LogDebug("Round {Round}: cannot read the participants' health: {Error}", proposal.Round, e.Message);
            }
        }

        var verdict = CoordinatorDecision.Decide(round, healthy, _time.GetUtcNow(), _options.VoteTimeout);
        switch (verdict.Action)
        {
            case RoundVerdict.Kind.Commit:
                await CommitAsync(round, cancellationToken);
                break;
            case RoundVerdict.Kind.Abort:
                await AbortAsync(round, verdict.Reason!, cancellationToken);
                break;
        }
    }

    private async Task CommitAsync(RoundStatus round, CancellationToken cancellationToken)
    {
        var proposal = round.Proposal;
        var ops = CommitTransaction.Ops(round, Keys, _time.GetUtcNow());
        var started = _time.GetTimestamp();
        var result = await Consul.Txn.ExecuteAsync(ops, cancellationToken: cancellationToken);
        if (result.Committed)
        {
            _logger.LogInformation("Round {Round}: committed version {Version} ({Ms:F1} ms transaction)", proposal.Round, proposal.Version, _time.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            // A vote's session died, the current version moved or someone decided first: the next
            // read shows which, and the round aborts or is already decided.
            _logger.LogWarning("Round {Round}: commit transaction refused: {Errors}", proposal.Round, string.Join("; ", result.Errors.Select(e => $"op {e.OpIndex}: {e.What}")));
            if (CommitTransaction.CurrentMoved(round, result.Errors))
            {
                await AbortAsync(round, "the committed version changed during the round", cancellationToken);
            }
        }
    }

    private async Task AbortAsync(RoundStatus round, string reason, CancellationToken cancellationToken)
    {
        var proposal = round.Proposal;
        var decision = new Decision(Decision.Abort, reason, proposal.Version, _time.GetUtcNow());
        var result = await Consul.Txn.ExecuteAsync(
            [TxnOp.CheckIndex(Keys.Proposal(proposal.Round), round.ProposalIndex), TxnOp.Cas(Keys.Decision(proposal.Round), RolloutJson.Bytes(decision), 0)],
            cancellationToken: cancellationToken);
        if (result.Committed)
        {
            _logger.LogWarning("Round {Round}: aborted: {Reason}", proposal.Round, reason);
        }
    }

    /// <summary>Deletes all but the newest <c>Rollout:KeepRounds</c> decided rounds.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var rounds = (await Consul.Kv.KeysAsync(Keys.RoundsPrefix, "/", cancellationToken: cancellationToken)).Value
            .Select(Keys.RoundOf).OfType<ulong>();
        foreach (var old in RoundPruning.Stale(rounds, _options.KeepRounds))
        {
            await Consul.Kv.DeleteTreeAsync(Keys.Round(old), cancellationToken: cancellationToken);
        }
    }
}
