using System.Globalization;

namespace Sidecar.Store.Rollout;

/// <summary>
/// The project's Consul KV layout under one prefix (default "sidecar"):
/// <list type="bullet">
/// <item><c>versions/&lt;id&gt;</c>: registry index, one entry per published version</item>
/// <item><c>rollout/current</c>: the committed version (CAS'd only by a commit transaction)</item>
/// <item><c>rollout/request</c>: a pending rollout request (the CLI writes it, the leader takes it)</item>
/// <item><c>rollout/leader</c>: held by the session of the node that coordinates</item>
/// <item><c>rollout/rounds/&lt;round&gt;/proposal|decision|votes/&lt;node&gt;|acks/&lt;node&gt;</c></item>
/// </list>
/// Round ids are zero-padded so that key order is round order. Each dataset has this layout of
/// its own: the default dataset's directly under the prefix (where it always was), a named one's
/// under <c>&lt;prefix&gt;/datasets/&lt;name&gt;</c> (<see cref="DatasetPrefix"/>), so one dataset's
/// rounds never read or write another's keys.
/// </summary>
public sealed class RolloutKeys
{
    private readonly string _prefix;

    public RolloutKeys(string prefix) => _prefix = prefix.TrimEnd('/');

    /// <summary>The keys of <paramref name="dataset"/> under the project's <paramref name="prefix"/>.</summary>
    public RolloutKeys(string prefix, string dataset)
        : this(DatasetPrefix(prefix, dataset))
    {
    }

    /// <summary>Where <paramref name="dataset"/>'s keys live under the project's <paramref name="prefix"/>.</summary>
    public static string DatasetPrefix(string prefix, string dataset) =>
        dataset == Sidecar.Common.Contracts.DatasetName.Default ? prefix.TrimEnd('/') : $"{prefix.TrimEnd('/')}/datasets/{dataset}";

    public string VersionsPrefix => $"{_prefix}/versions/";

    public string Version(string id) => VersionsPrefix + id;

    public string RolloutPrefix => $"{_prefix}/rollout/";

    public string Current => RolloutPrefix + "current";

    public string Request => RolloutPrefix + "request";

    public string Leader => RolloutPrefix + "leader";

    public string RoundsPrefix => RolloutPrefix + "rounds/";

    public string Round(ulong round) => RoundsPrefix + round.ToString("D20", CultureInfo.InvariantCulture) + "/";

    public string Proposal(ulong round) => Round(round) + "proposal";

    public string Decision(ulong round) => Round(round) + "decision";

    public string VotesPrefix(ulong round) => Round(round) + "votes/";

    public string Vote(ulong round, string node) => VotesPrefix(round) + node;

    public string AcksPrefix(ulong round) => Round(round) + "acks/";

    public string Ack(ulong round, string node) => AcksPrefix(round) + node;

    /// <summary>The round a key under <see cref="RoundsPrefix"/> belongs to, or null.</summary>
    public ulong? RoundOf(string key) =>
        key.StartsWith(RoundsPrefix, StringComparison.Ordinal)
        && key.Length >= RoundsPrefix.Length + 20
        && ulong.TryParse(key.AsSpan(RoundsPrefix.Length, 20), NumberStyles.None, CultureInfo.InvariantCulture, out var round)
            ? round
            : null;
}
