namespace Sidecar.Common.Contracts;

/// <summary>The node's <c>GET /admin/digest</c>: a digest of every user state of the live version
/// (equal digests, equal data: how tests and drills compare nodes).</summary>
/// <param name="At">For a dataset with expiry, the Unix millisecond the visible state was taken
/// at (<c>?at=</c>, default the node's now): pass it to the other nodes to compare them at the
/// same moment. Null for a dataset without expiry, whose digest covers the stored state.</param>
public sealed record NodeDigest(string Version, string Digest, long Users, long? At = null);
