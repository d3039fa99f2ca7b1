using System.CommandLine;
using System.Text.Json;
using Sidecar.Cli.Progress;
using Sidecar.Common.Consul;
using Sidecar.Store;
using Sidecar.Store.Rollout;

namespace Sidecar.Cli;

/// <summary>
/// <c>rollout start | status | abort</c> and <c>rollback</c>. The CLI never coordinates: it writes a
/// request (or an operator's abort decision) and reads the state; the leader node runs the round.
/// </summary>
internal static class RolloutCommands
{
    public static Command Create(CliOptions shared)
    {
        var rollout = new Command("rollout", "Roll a published version out to every node (two-phase commit in Consul)");
        var version = new Argument<string>("version") { Description = "A published version id" };
        var start = new Command("start", "Request a rollout of a version") { version };
        var (scope, deadline, wait) = AddRequestOptions(start, shared);
        start.SetAction((result, ct) => RequestAsync(shared, result, result.GetValue(version)!, result.GetValue(scope)!, result.GetValue(deadline), result.GetValue(wait), ct));
        rollout.Subcommands.Add(start);
        rollout.Subcommands.Add(Status(shared));
        rollout.Subcommands.Add(Abort(shared));
        return rollout;
    }

    public static Command Rollback(CliOptions shared)
    {
        var command = new Command("rollback", "Roll out the version that was committed before the current one (kept on every node's disk)");
        var (scope, deadline, wait) = AddRequestOptions(command, shared);
        command.SetAction(async (result, ct) =>
        {
            using var consul = shared.Client(result);
            var status = await RolloutReader.ReadAsync(consul, shared.Keys(result), ct);
            var previous = status.Current?.Previous ?? throw new ArgumentException("no earlier committed version to roll back to");
            return await RequestAsync(shared, result, previous, result.GetValue(scope)!, result.GetValue(deadline), result.GetValue(wait), ct);
        });
        return command;
    }

    private static (Option<string> Scope, Option<TimeSpan> Deadline, Option<bool> Wait) AddRequestOptions(Command command, CliOptions shared)
    {
        var scope = new Option<string>("--scope") { Description = "dc: the nodes of the coordinator's datacenter; global: every datacenter", DefaultValueFactory = _ => RolloutRequest.ScopeDatacenter };
        scope.AcceptOnlyFromAmong(RolloutRequest.ScopeDatacenter, RolloutRequest.ScopeGlobal);
        var deadline = new Option<TimeSpan>("--deadline") { Description = "The round aborts if not every participant voted yes by then (hh:mm:ss)", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var wait = new Option<bool>("--wait") { Description = "Wait for the decision and the acknowledgements; exit 1 if the round aborted" };
        command.Options.Add(scope);
        command.Options.Add(deadline);
        command.Options.Add(wait);
        shared.AddTo(command);
        return (scope, deadline, wait);
    }

    private static async Task<int> RequestAsync(CliOptions shared, ParseResult result, string version, string scope, TimeSpan deadline, bool wait, CancellationToken ct)
    {
        if (VersionNames.Check(version) is { } bad)
        {
            throw new ArgumentException(bad);
        }

        if (deadline < TimeSpan.FromSeconds(1) || deadline > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("--deadline must be between 1 second and 1 day");
        }

        using var consul = shared.Client(result);
        var keys = shared.Keys(result);
        // "initial" (the empty store fed by Kafka) is on every node's disk and in no registry.
        if (version != VersionNames.Initial && (await consul.Kv.GetAsync(keys.Version(version), cancellationToken: ct)).Value is null)
        {
            throw new ArgumentException($"version '{version}' is not published (sidecarctl snapshot list)");
        }

        var status = await RolloutReader.ReadAsync(consul, keys, ct);
        if (status.Round is { Decision: null } running)
        {
            throw new InvalidOperationException($"round {running.Proposal.Round} (version {running.Proposal.Version}) is still undecided; wait for it or abort it");
        }

        if (status.CommittedVersion == version)
        {
            Console.WriteLine($"{version} is already the committed version");
            return 0;
        }

        var request = new RolloutRequest(Guid.NewGuid().ToString("n"), version, scope, deadline.TotalSeconds, shared.Time.GetUtcNow(), $"{Environment.UserName}@{Environment.MachineName}");
        if (!await consul.Kv.CasAsync(keys.Request, RolloutJson.Bytes(request), 0, cancellationToken: ct))
        {
            throw new InvalidOperationException("another rollout request is pending (sidecarctl rollout status)");
        }

        Console.WriteLine($"requested rollout of {version} (scope {scope}, deadline {deadline}), request {request.Id}");
        return wait ? await ProgressBars.RolloutAsync(update => WaitAsync(consul, keys, request, deadline + TimeSpan.FromSeconds(60), update, ct)) : 0;
    }

    /// <summary>Follows the round made from <paramref name="request"/> until it is decided and every live participant acknowledged.</summary>
    private static async Task<int> WaitAsync(ConsulClient consul, RolloutKeys keys, RolloutRequest request, TimeSpan timeout, Action<RolloutStatus> update, CancellationToken ct)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        RolloutStatus? last = null;
        try
        {
            await foreach (var answer in consul.Kv.WatchPrefixAsync(keys.RolloutPrefix, new ConsulQuery { Wait = TimeSpan.FromSeconds(5) }, timeoutCts.Token))
            {
                last = RolloutStatus.From(answer.Value, keys, answer.Index);
                update(last);
                if (last.Round is { Decision: { } decision } round && round.Proposal.RequestId == request.Id)
                {
                    var live = round.Proposal.Participants.Where(p => round.VoteOf(p.Node) is not { Alive: false }).ToList();
                    if (!decision.Committed || live.All(p => round.Acks.Any(a => a.Node == p.Node)))
                    {
                        StatusPrinter.Print(last);
                        return decision.Committed ? 0 : 1;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        if (last is not null)
        {
            StatusPrinter.Print(last);
        }

        throw new TimeoutException($"no decision with every acknowledgement within {timeout} (is any node coordinating? see 'rollout status')");
    }

    private static Command Status(CliOptions shared)
    {
        var json = new Option<bool>("--json") { Description = "Print the state as JSON" };
        var command = new Command("status", "Show the committed version and the latest round: votes (with NO reasons), decision, acknowledgements") { json };
        shared.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            using var consul = shared.Client(result);
            var status = await RolloutReader.ReadAsync(consul, shared.Keys(result), ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(status, RolloutJson.Default.RolloutStatus));
            }
            else
            {
                StatusPrinter.Print(status);
            }

            return 0;
        });
        return command;
    }

    private static Command Abort(CliOptions shared)
    {
        var command = new Command("abort", "Abort the undecided round (or drop a pending request); a decided round cannot be aborted");
        shared.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            using var consul = shared.Client(result);
            var keys = shared.Keys(result);
            var status = await RolloutReader.ReadAsync(consul, keys, ct);
            if (status.Round is { Decision: null } round)
            {
                // The decision key is create-only: if the coordinator committed first, this fails and
                // the commit stands; if this lands first, the commit transaction fails instead.
                var decision = new Decision(Decision.Abort, $"aborted by {Environment.UserName}@{Environment.MachineName}", round.Proposal.Version, shared.Time.GetUtcNow());
                var txn = await consul.Txn.ExecuteAsync(
                [
                    TxnOp.CheckIndex(keys.Proposal(round.Proposal.Round), round.ProposalIndex),
                    TxnOp.Cas(keys.Decision(round.Proposal.Round), RolloutJson.Bytes(decision), 0),
                    TxnOp.Delete(keys.Request),
                ], cancellationToken: ct);
                Console.WriteLine(txn.Committed ? $"round {round.Proposal.Round} aborted" : $"round {round.Proposal.Round} was decided meanwhile; see 'rollout status'");
                return txn.Committed ? 0 : 1;
            }

            if (status.Request is not null && await consul.Kv.DeleteCasAsync(keys.Request, status.RequestIndex, cancellationToken: ct))
            {
                Console.WriteLine($"dropped the pending request for {status.Request.Version}");
                return 0;
            }

            Console.WriteLine("nothing to abort");
            return 1;
        });
        return command;
    }
}
