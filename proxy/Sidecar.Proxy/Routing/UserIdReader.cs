using Sidecar.Common.Contracts;

namespace Sidecar.Proxy.Routing;

/// <summary>Finds the user a request is about: the <c>{id}</c> of a user path in either form
/// (<see cref="UserPaths"/>: <c>/v1/users/{id}</c>, <c>/v1/datasets/{dataset}/users/{id}</c>), else the user header.</summary>
public static class UserIdReader
{
    public static ReadOnlySpan<char> Read(HttpRequest request, string header)
    {
        var id = UserPaths.UserId(request.Path.Value.AsSpan());
        if (!id.IsEmpty)
        {
            return id;
        }

        // A header value is a string already: no copy.
        return request.Headers.TryGetValue(header, out var values) && values.Count == 1 ? values[0].AsSpan() : default;
    }
}
