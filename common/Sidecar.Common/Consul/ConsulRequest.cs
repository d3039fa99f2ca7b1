using System.Net;
using System.Text;

namespace Sidecar.Common.Consul;

/// <summary>One HTTP call to Consul: method, path, query, body, and whether it may be repeated.</summary>
internal sealed class ConsulRequest
{
    private readonly List<(string Name, string? Value)> _query = [];

    public ConsulRequest(HttpMethod method, string path)
    {
        Method = method;
        Path = path;
    }

    public HttpMethod Method { get; }

    public string Path { get; }

    public byte[]? Body { get; init; }

    /// <summary>Safe to send again after a failure or timeout (reads, renew, idempotent agent calls).</summary>
    public bool Idempotent { get; init; }

    /// <summary>Statuses besides 2xx that the caller reads itself (404 of a missing key, 409 of a txn).</summary>
    public HttpStatusCode[] Accept { get; init; } = [];

    /// <summary>Whether <c>?dc=</c> applies (agent endpoints answer for the local agent only).</summary>
    public bool PerDatacenter { get; init; } = true;

    public string? Datacenter { get; private set; }

    /// <summary>The blocking wait, which the call's timeout must allow for.</summary>
    public TimeSpan? Wait { get; private set; }

    /// <summary>Adds <c>name=value</c>, or the flag <c>name</c> when value is null.</summary>
    public ConsulRequest With(string name, string? value = null)
    {
        _query.Add((name, value));
        return this;
    }

    public ConsulRequest InDatacenter(string? datacenter)
    {
        Datacenter = datacenter;
        return this;
    }

    public ConsulRequest WithQuery(ConsulQuery? query)
    {
        if (query is null)
        {
            return this;
        }

        Datacenter = query.Datacenter;
        if (query.Index is { } index)
        {
            With("index", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (query.Wait is { } wait)
            {
                With("wait", ConsulDuration.Format(wait));
                Wait = wait;
            }
        }

        return query.Consistency switch
        {
            ConsulConsistency.Consistent => With("consistent"),
            ConsulConsistency.Stale => With("stale"),
            _ => this,
        };
    }

    public Uri Uri(ConsulClientOptions options)
    {
        var text = new StringBuilder(Path);
        var separator = '?';
        var datacenter = Datacenter ?? options.Datacenter;
        var query = PerDatacenter && !string.IsNullOrEmpty(datacenter) ? _query.Append(("dc", datacenter)) : _query;
        foreach (var (name, value) in query)
        {
            text.Append(separator).Append(name);
            if (value is not null)
            {
                text.Append('=').Append(System.Uri.EscapeDataString(value));
            }

            separator = '&';
        }

        return new Uri(options.Address, text.ToString());
    }

    /// <summary>A KV key or other name as a path: each segment escaped, the slashes kept.</summary>
    public static string Escape(string name) => string.Join('/', name.Split('/').Select(System.Uri.EscapeDataString));
}
