namespace Sidecar.Proxy.Routing;

/// <summary>Finds the user a request is about: the <c>{id}</c> of <c>/v1/users/{id}[/...]</c>, else the user header.</summary>
public static class UserIdReader
{
    private const string Prefix = "/v1/users/";

    public static ReadOnlySpan<char> Read(HttpRequest request, string header)
    {
        var path = request.Path.Value.AsSpan();
        if (path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var rest = path[Prefix.Length..];
            var slash = rest.IndexOf('/');
            var id = slash < 0 ? rest : rest[..slash];
            if (!id.IsEmpty)
            {
                return id;
            }
        }

        // A header value is a string already: no copy.
        return request.Headers.TryGetValue(header, out var values) && values.Count == 1 ? values[0].AsSpan() : default;
    }
}
