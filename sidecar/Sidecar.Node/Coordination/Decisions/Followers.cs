using Sidecar.Common.Consul;
using Sidecar.Common.Contracts;
using Sidecar.Store.Rollout;

namespace Sidecar.Node.Coordination.Decisions;

/// <summary>
/// The passing instances of the service, split into those that follow this datacenter's rollout
/// keys (their registration's <c>rollout-dc</c>: the participants) and those that follow another
/// datacenter's, with the datacenters that could not be asked. Both lists are ordered by
/// (datacenter, node), so a proposal lists its participants the same way whoever made it.
/// </summary>
internal sealed record Followers(IReadOnlyList<Participant> Participants, IReadOnlyList<Participant> Elsewhere, IReadOnlyList<string> Unreachable)
{
    /// <summary>Classifies Consul's answers. An instance's datacenter is its <c>datacenter</c> meta,
    /// else its Consul node's, else <paramref name="here"/>; it follows its <c>rollout-dc</c> meta,
    /// else its own datacenter's keys. An instance listed twice (by two datacenters) counts once.
    /// Only instances that serve <paramref name="dataset"/> count (<see cref="ServiceMetaKeys.Serves"/>):
    /// a node not given a named dataset yet (a rolling restart that adds it) is not waited for.</summary>
    public static Followers From(IEnumerable<ServiceHealth> passing, string here, IReadOnlyList<string> unreachable, string dataset = DatasetName.Default)
    {
        var instances = passing
            .Where(h => ServiceMetaKeys.Serves(h.Service.Meta, dataset))
            .Select(h =>
            {
                var datacenter = h.Service.Meta?.GetValueOrDefault(ServiceMetaKeys.Datacenter) ?? h.Node.Datacenter ?? here;
                return (Participant: new Participant(h.Service.Id, datacenter), Follows: h.Service.Meta?.GetValueOrDefault(ServiceMetaKeys.RolloutDatacenter) ?? datacenter);
            })
            .DistinctBy(i => (i.Participant.Datacenter, i.Participant.Node))
            .OrderBy(i => i.Participant.Datacenter, StringComparer.Ordinal).ThenBy(i => i.Participant.Node, StringComparer.Ordinal)
            .ToList();
        return new Followers(
            instances.Where(i => i.Follows == here).Select(i => i.Participant).ToList(),
            instances.Where(i => i.Follows != here).Select(i => i.Participant).ToList(),
            unreachable);
    }
}
