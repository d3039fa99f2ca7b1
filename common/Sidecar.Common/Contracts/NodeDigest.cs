namespace Sidecar.Common.Contracts;

/// <summary>The node's <c>GET /admin/digest</c>: a digest of every user state of the live version
/// (equal digests, equal data: how tests and drills compare nodes).</summary>
/// <param name="At">For a dataset with expiry, the Unix millisecond the visible state was taken
/// at (<c>?at=</c>, default the node's now): pass it to the other nodes to compare them at the
/// same moment. Null for a dataset without expiry, whose digest covers the stored state.</param>
/// <param name="Partition">The Kafka partition whose users alone the digest covers (<c>?partition=</c>,
/// a partitioned key layout only); null for every user.</param>
/// <param name="Layout">The version's key layout ("flat", "murmur2/&lt;n&gt;"). The digest does not
/// depend on it: versions of different layouts holding the same users compare equal.</param>
public sealed record NodeDigest(string Version, string Digest, long Users, long? At = null, int? Partition = null, string? Layout = null);
