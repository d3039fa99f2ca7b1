namespace Sidecar.Proxy.Membership;

/// <summary>
/// What a valid node list is, whatever its source: known datacenters, unique ids, absolute
/// http(s):// addresses, or h2c:// for a node's HTTP/2 clear-text listener.
/// </summary>
public static class MembershipRules
{
    public static List<string> Check(IReadOnlyList<NodeAddress> nodes, IReadOnlyCollection<string> knownDatacenters)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (CheckOne(node, knownDatacenters) is { } error)
            {
                errors.Add(error);
            }
            else if (!seen.Add(node.Id))
            {
                errors.Add($"node id '{node.Id}' appears twice");
            }
        }

        return errors;
    }

    public static string? CheckOne(NodeAddress node, IReadOnlyCollection<string> knownDatacenters)
    {
        if (!IsValidId(node.Id))
        {
            return $"node id '{node.Id}' must be 1-128 letters, digits, '.', '_' or '-'";
        }

        if (!knownDatacenters.Contains(node.Datacenter))
        {
            return $"node '{node.Id}': unknown datacenter '{node.Datacenter}' (known: {string.Join(", ", knownDatacenters)})";
        }

        if (!Uri.TryCreate(node.Address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "h2c")
            || string.IsNullOrEmpty(uri.Host) || uri.PathAndQuery != "/" || uri.UserInfo.Length > 0)
        {
            return $"node '{node.Id}': address '{node.Address}' is not an http(s):// or h2c:// host:port base URL";
        }

        return null;
    }

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
