using System.CommandLine;

namespace Sidecar.Cli;

/// <summary>
/// The long <c>--help</c> text of each command: what it does, what it changes, how it ends. Kept in
/// one place and applied over the command tree by path, so each command's file keeps its short
/// description for the command list and the tree can grow without touching this file.
/// </summary>
internal static class HelpTexts
{
    private static readonly Dictionary<string, string> ByPath = new(StringComparer.Ordinal)
    {
        ["snapshot"] = """
            Dataset versions made offline. A snapshot is RocksDB SST files plus manifest.json (version id, checksums,
            key count, and per origin partition the Kafka offset the data already includes, so nodes catch it up from
            there without losing a streamed update). build, then publish, then 'rollout start'.
            """,
        ["snapshot build"] = """
            Build a snapshot from JSON lines, one user per line: {"userId","fields","lists","counters"}. Writes SST
            files and manifest.json into a new directory; --offset says which origin offsets the input already holds
            (e.g. --offset dc-a:0=41235, one per origin partition). Every line must keep the nodes' rules (user id
            up to --max-user-id-bytes, names of [A-Za-z0-9_.-] up to --max-name-length, lists up to --list-cap: the
            nodes' Api and Store settings); otherwise nothing is written and every bad line is listed with its reason.
            --partitions n groups the keys by Kafka partition (the dataset's Partitions, its topic's partition count;
            a format 2 manifest that older nodes refuse); 0, the default, is the flat layout. Shows progress bars on a
            terminal.
            """,
        ["snapshot publish"] = """
            Verify a built snapshot, copy it into the registry every node can read, and index it in Consul KV under
            <prefix>/versions/<id>. The registry is a directory (a shared mount: written under a temporary name,
            verified again, then renamed) or an http(s) URL of 'sidecarctl registry serve' (sent with PUT, verified by
            the server, all or nothing). Publishing the same snapshot again is a no-op; another snapshot under a
            published id is refused.
            """,
        ["snapshot checkpoint"] = """
            Snapshot a running node's live version through its admin API: one consistent RocksDB snapshot written as
            SST files with the same manifest as 'snapshot build', including the origin offsets the data holds, so a
            rollout of it catches every node up from there. Then publish it like a built snapshot. It has the live
            version's key layout; --partitions n re-keys it into another (0: flat), which is how a dataset moves to a
            new layout.
            """,
        ["registry"] = "The snapshot registry over HTTP, for nodes that share no directory.",
        ["registry serve"] = """
            Serve a registry directory over HTTP until Ctrl-C: nodes GET a version's manifest and files (checked
            against the SHA-256 in Consul's index and the manifest's per-file hashes); 'snapshot publish' PUTs a
            snapshot, which the server verifies before it becomes visible.
            """,
        ["rules"] = "Ingest rules (docs/rules.md): nodes with Rules:File map a team's JSON events into updates.",
        ["rules check"] = """
            Validate a rules file offline with the library the nodes run (--list-cap, --max-user-id-bytes,
            --max-name-length and --updates-topic as the nodes are configured): every problem is printed and the exit
            code is 2 when there is one; a good file's rules are printed (name, topics, when, user, ops). With --events
            each line of a JSON-lines file is mapped as the node would: a plain event is read from --topic (default the
            first rule's first topic), partition 0, offset = its line number, Kafka timestamp = now; a line that is an
            object of only topic/partition/offset/timestamp/value keys (value present) is a whole record. Each event
            prints the envelopes it becomes (user, id, every op with its stamp as an ISO time), or 'dead letter (rule
            R): reason', or 'skipped'. Exit code 1 when any event was a dead letter.
            """,
        ["snapshot list"] = "List the published versions (id, keys, when, where), marking the committed one.",
        ["rollout"] = """
            Swap every node to a published version with a two-phase commit in Consul: the leader node proposes, each
            participant downloads, verifies, ingests and catches the version up, then votes; one Consul transaction
            commits only if every vote is YES and its voter alive, else the round aborts and nodes keep serving the old
            version. The CLI only requests, watches and aborts.
            """,
        ["rollout start"] = """
            Request a rollout of a published version. --wait follows the round (progress bars of votes and
            acknowledgements on a terminal) and exits 0 once committed and acknowledged by every live participant,
            1 if it aborted. --deadline bounds how long the participants may take to vote. --scope dc (the default)
            covers the nodes of one datacenter; --scope global covers every node of every datacenter, whose votes go
            to the coordinating datacenter's Consul (see docs/rollout.md).
            """,
        ["rollout status"] = """
            Show the committed version, the leader, a pending request, and the latest round: every participant's vote
            (with the NO reason, or 'session lost' when its voter died), the decision and the acknowledgements.
            """,
        ["rollout abort"] = """
            Abort the undecided round (one Consul transaction that writes the abort decision only if none exists, so a
            commit that won the race stands), or drop a pending request. A decided round cannot be aborted: roll back.
            """,
        ["rollback"] = """
            Roll out the version committed before the current one. Every node keeps it on disk
            (Rollout:RetainVersions), so this is a normal two-phase round without a download. Same options as
            'rollout start'.
            """,
    };

    public static void Apply(Command root) => Apply(root, "");

    private static void Apply(Command command, string path)
    {
        // Raw string literals wrap where the source does; the help output wraps to the terminal.
        if ((ByPath.TryGetValue(path, out var text) ? text : command.Description) is { } description)
        {
            command.Description = description.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal).Trim();
        }

        foreach (var sub in command.Subcommands)
        {
            Apply(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
        }
    }
}
