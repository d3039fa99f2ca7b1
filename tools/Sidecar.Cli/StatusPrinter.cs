using System.Globalization;
using Sidecar.Store.Rollout;

namespace Sidecar.Cli;

/// <summary>The human view of <see cref="RolloutStatus"/>: one line per participant with its vote, NO reason and acknowledgement.</summary>
internal static class StatusPrinter
{
    public static void Print(RolloutStatus status)
    {
        var current = status.Current;
        Console.WriteLine(current is null
            ? $"committed: {status.CommittedVersion} (no rollout yet)"
            : string.Create(CultureInfo.InvariantCulture, $"committed: {current.Version} (round {current.Round}, {current.CommittedAt:u}, previous {current.Previous ?? "-"})"));
        Console.WriteLine($"leader: {status.Leader ?? "(none)"}");
        if (status.Request is { } request)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pending request: {request.Version} (scope {request.Scope}, by {request.RequestedBy} at {request.RequestedAt:u})"));
        }

        if (status.Round is not { } round)
        {
            return;
        }

        var p = round.Proposal;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {p.Round}: version {p.Version}, scope {p.Scope}, coordinator {p.Coordinator}, deadline {p.Deadline:u}"));
        Console.WriteLine(round.Decision is { } d
            ? string.Create(CultureInfo.InvariantCulture, $"decision: {d.Outcome}{(d.Reason is null ? "" : " (" + d.Reason + ")")} at {d.At:u}")
            : "decision: pending");
        foreach (var datacenter in p.Participants.GroupBy(x => x.Datacenter))
        {
            var nodes = datacenter.Select(x => x.Node).ToList();
            Console.WriteLine($"{datacenter.Key}: {nodes.Count} participant(s), "
                + $"{round.Votes.Count(v => nodes.Contains(v.Vote.Node) && v.Vote.Yes)} YES, "
                + $"{round.Votes.Count(v => nodes.Contains(v.Vote.Node) && !v.Vote.Yes)} NO, "
                + $"{round.Votes.Count(v => nodes.Contains(v.Vote.Node) && !v.Alive)} lost, "
                + $"{round.Acks.Count(a => nodes.Contains(a.Node))} acknowledged");
            PrintParticipants(round, datacenter);
        }
    }

    private static void PrintParticipants(RoundStatus round, IEnumerable<Participant> participants)
    {
        foreach (var participant in participants)
        {
            var vote = round.VoteOf(participant.Node) switch
            {
                null => "no vote",
                { Vote.Yes: true } v => string.Create(CultureInfo.InvariantCulture, $"vote YES (prepared in {v.Vote.PrepareSeconds:F2} s)"),
                var v => $"vote NO: {v.Vote.Reason}",
            } + (round.VoteOf(participant.Node) is { Alive: false } ? " (voter's session lost)" : "");
            var ack = round.Acks.FirstOrDefault(a => a.Node == participant.Node) is { } a ? $", ack {a.Outcome}" : "";
            Console.WriteLine($"  {participant.Node,-16} {participant.Datacenter,-10} {vote}{ack}");
        }
    }
}
