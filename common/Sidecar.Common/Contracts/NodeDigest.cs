namespace Sidecar.Common.Contracts;

/// <summary>The node's <c>GET /admin/digest</c>: a digest of every user state of the live version
/// (equal digests, equal data: how tests and drills compare nodes).</summary>
public sealed record NodeDigest(string Version, string Digest, long Users);
