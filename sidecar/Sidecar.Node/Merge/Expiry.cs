namespace Sidecar.Node.Merge;

/// <summary>
/// A dataset's expiry settings (<c>Store:ItemTtl</c>, <c>Store:Ttl</c>, or a dataset's own):
/// list items and fields older than <see cref="ItemTtl"/> by their stamps are gone, and a user
/// none of whose ops is newer than <see cref="Ttl"/> is hidden. The rule is
/// <see cref="ExpiryRule"/>; docs/datasets.md says why it converges.
/// </summary>
internal sealed record Expiry(TimeSpan? ItemTtl, TimeSpan? Ttl)
{
    public static readonly Expiry None = new(null, null);

    public bool Enabled => ItemTtl is not null || Ttl is not null;
}
