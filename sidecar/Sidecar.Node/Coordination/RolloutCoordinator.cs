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
/// instances) is created and the request deleted in one transaction.</item>
/// <item>An undecided round is decided by <see cref="CoordinatorDecision"/>: it aborts on a NO
/// vote, on a participant without a live vote that is no longer healthy, at its deadline, or
/// <c>Rollout:VoteTimeout</c> after its first vote; it commits once every participant holds a live
/// YES vote, with one transaction that checks the proposal and every vote's session, CASes
/// <c>rollout/current</c> and creates the decision (create-only, so it is written once).</item>
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
            _nextPrune = _time.GetUtcNow() + TimeSpan.FromSeconds(30);
        }
    }

    private async Task ProposeAsync(RolloutStatus status, RolloutRequest request, CancellationToken cancellationToken)
    {
        var round = status.RequestIndex;
        var now = _time.GetUtcNow();
        string? refusal = null;
        string location = "";
        IReadOnlyList<Participant> participants = [];
        if (request.Version == status.CommittedVersion)
        {
            refusal = $"{request.Version} is already the committed version";
        }
        else if ((await Consul.Kv.GetAsync(Keys.Version(request.Version), cancellationToken: cancellationToken)).Value is { } entry)
        {
            location = RolloutJson.Parse<VersionEntry>(entry.Value, entry.Key).Location;
        }
        else if (request.Version != Sidecar.Store.VersionNames.Initial)
        {
            refusal = $"version {request.Version} is not published";
        }

        if (refusal is null)
        {
            // A datacenter round does not depend on the other datacenters being reachable.
            var followers = await FollowersAsync(null, tolerateUnreachable: true, cancellationToken);
            participants = followers.Participants;
            refusal = ScopeRefusal(request.Scope, followers)
                ?? (participants.Count == 0 ? "no healthy node to roll out to"
                : participants.Count > TxnOp.MaxOperations - 4 ? $"{participants.Count} participants do not fit one Consul transaction (at most {TxnOp.MaxOperations - 4})"
                : null);
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
    /// datacenter Consul knows), split into those that follow this datacenter's rollout keys (their
    /// registration's <c>rollout-dc</c>: the participants) and those that follow another
    /// datacenter's. A datacenter that cannot be asked is listed as unreachable (when proposing) or
    /// fails the call (when deciding: the round then waits, or meets its deadline).
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
        var instances = answers.SelectMany(a => a)
            .Select(h =>
            {
                var datacenter = h.Service.Meta?.GetValueOrDefault(Sidecar.Common.Contracts.ServiceMetaKeys.Datacenter) ?? h.Node.Datacenter ?? here;
                return (Participant: new Participant(h.Service.Id, datacenter), Follows: h.Service.Meta?.GetValueOrDefault(Sidecar.Common.Contracts.ServiceMetaKeys.RolloutDatacenter) ?? datacenter);
            })
            .DistinctBy(i => (i.Participant.Datacenter, i.Participant.Node))
            .OrderBy(i => i.Participant.Datacenter, StringComparer.Ordinal).ThenBy(i => i.Participant.Node, StringComparer.Ordinal)
            .ToList();
        return new Followers(
            instances.Where(i => i.Follows == here).Select(i => i.Participant).ToList(),
            instances.Where(i => i.Follows != here).Select(i => i.Participant).ToList(),
            unreachable);
    }

    /// <summary>
    /// Why the scope cannot be honoured, or null. A global round must reach every node of every
    /// datacenter, so every node must follow these keys; a datacenter round must not have followers
    /// in other datacenters (they would apply its outcome without having voted).
    /// </summary>
    private string? ScopeRefusal(string scope, Followers followers)
    {
        var here = _consul.RolloutDatacenter;
        if (scope == RolloutRequest.ScopeGlobal && followers.Unreachable.Count > 0)
        {
            return $"scope global, but datacenter {string.Join(", ", followers.Unreachable)} cannot be reached to list its nodes";
        }

        if (scope == RolloutRequest.ScopeGlobal && followers.Elsewhere.Count > 0)
        {
            return $"scope global needs every node to follow the rollouts of {here} (Rollout:Datacenter); "
                + $"{string.Join(", ", followers.Elsewhere.Select(p => $"{p.Node} ({p.Datacenter})"))} follow another datacenter's";
        }

        if (scope == RolloutRequest.ScopeDatacenter && followers.Participants.Where(p => p.Datacenter != here).ToList() is { Count: > 0 } remote)
        {
            return $"scope dc, but nodes of other datacenters follow the rollouts of {here}: "
                + $"{string.Join(", ", remote.Select(p => $"{p.Node} ({p.Datacenter})"))}; use scope global";
        }

        // Votes and acknowledgements are keyed by node id.
        if (followers.Participants.GroupBy(p => p.Node).Where(g => g.Count() > 1).Select(g => g.Key).ToList() is { Count: > 0 } twice)
        {
            return $"node ids must be unique across datacenters: {string.Join(", ", twice)} appear more than once";
        }

        return scope is RolloutRequest.ScopeGlobal or RolloutRequest.ScopeDatacenter ? null : $"unknown scope '{scope}'";
    }

    private sealed record Followers(IReadOnlyList<Participant> Participants, IReadOnlyList<Participant> Elsewhere, IReadOnlyList<string> Unreachable);

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
        var now = _time.GetUtcNow();
        var ops = new List<TxnOp> { TxnOp.CheckIndex(Keys.Proposal(proposal.Round), round.ProposalIndex) };
        ops.AddRange(round.Votes.Select(v => TxnOp.CheckSession(v.Key, v.Session!)));
        ops.Add(TxnOp.Cas(Keys.Current, RolloutJson.Bytes(new CurrentVersion(proposal.Version, proposal.Previous, proposal.Round, now)), proposal.CurrentIndex));
        ops.Add(TxnOp.Cas(Keys.Decision(proposal.Round), RolloutJson.Bytes(new Decision(Decision.Commit, null, proposal.Version, now)), 0));
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
            if (result.Errors.Any(e => e.OpIndex == ops.Count - 2))
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
            .Select(Keys.RoundOf).OfType<ulong>().Distinct().Order().ToList();
        foreach (var old in rounds.Take(Math.Max(0, rounds.Count - _options.KeepRounds)))
        {
            await Consul.Kv.DeleteTreeAsync(Keys.Round(old), cancellationToken: cancellationToken);
        }
    }
}
