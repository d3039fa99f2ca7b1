using System.Globalization;
using System.Net;

namespace Sidecar.Common.Consul;

/// <summary><c>/v1/kv</c>: reads (blocking), writes with CAS and session locks, deletes, watches.</summary>
public sealed class KvEndpoint
{
    private readonly ConsulHttp _http;

    internal KvEndpoint(ConsulHttp http) => _http = http;

    /// <summary>The entry, or null (with the index to block on) when the key does not exist.</summary>
    public async Task<ConsulResponse<KvPair?>> GetAsync(string key, ConsulQuery? query = null, CancellationToken cancellationToken = default)
    {
        var answer = await _http.SendAsync(Read(key, query), cancellationToken);
        return new(answer.Found ? answer.Read(ConsulJson.Default.ListKvPair).FirstOrDefault() : null, answer.Index);
    }

    /// <summary>Every entry under the prefix (<c>?recurse</c>); empty when none.</summary>
    public async Task<ConsulResponse<IReadOnlyList<KvPair>>> ListAsync(string prefix, ConsulQuery? query = null, CancellationToken cancellationToken = default)
    {
        var answer = await _http.SendAsync(Read(prefix, query).With("recurse"), cancellationToken);
        return new(answer.Found ? answer.Read(ConsulJson.Default.ListKvPair) : [], answer.Index);
    }

    /// <summary>The keys under the prefix (<c>?keys</c>), up to the separator when one is given.</summary>
    public async Task<ConsulResponse<IReadOnlyList<string>>> KeysAsync(string prefix, string? separator = null, ConsulQuery? query = null, CancellationToken cancellationToken = default)
    {
        var request = Read(prefix, query).With("keys");
        if (separator is not null)
        {
            request.With("separator", separator);
        }

        var answer = await _http.SendAsync(request, cancellationToken);
        return new(answer.Found ? answer.Read(ConsulJson.Default.ListString) : [], answer.Index);
    }

    /// <summary>Sets the value unconditionally.</summary>
    public Task<bool> PutAsync(string key, byte[] value, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Put, key, value, datacenter, cancellationToken);

    /// <summary>Sets the value only if the key's ModifyIndex is <paramref name="index"/>; 0 creates only.
    /// False when another write came first.</summary>
    public Task<bool> CasAsync(string key, byte[] value, ulong index, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Put, key, value, datacenter, cancellationToken, ("cas", Number(index)));

    /// <summary>Sets the value and takes the key's lock for the session; false when another session holds it.</summary>
    public Task<bool> AcquireAsync(string key, byte[] value, string session, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Put, key, value, datacenter, cancellationToken, ("acquire", session));

    /// <summary>Releases the session's lock on the key, setting the value; false when the session does not hold it.</summary>
    public Task<bool> ReleaseAsync(string key, byte[] value, string session, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Put, key, value, datacenter, cancellationToken, ("release", session));

    public Task<bool> DeleteAsync(string key, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, key, null, datacenter, cancellationToken);

    /// <summary>Deletes the key only if its ModifyIndex is <paramref name="index"/>.</summary>
    public Task<bool> DeleteCasAsync(string key, ulong index, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, key, null, datacenter, cancellationToken, ("cas", Number(index)));

    public Task<bool> DeleteTreeAsync(string prefix, string? datacenter = null, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, prefix, null, datacenter, cancellationToken, ("recurse", null));

    /// <summary>The entry now and after each change (null while the key does not exist).</summary>
    public IAsyncEnumerable<ConsulResponse<KvPair?>> WatchAsync(string key, ConsulQuery? query = null, CancellationToken cancellationToken = default) =>
        new ConsulWatch<KvPair?>(_http.Options, query, (q, ct) => GetAsync(key, q, ct)).RunAsync(cancellationToken);

    /// <summary>The entries under the prefix now and after each change.</summary>
    public IAsyncEnumerable<ConsulResponse<IReadOnlyList<KvPair>>> WatchPrefixAsync(string prefix, ConsulQuery? query = null, CancellationToken cancellationToken = default) =>
        new ConsulWatch<IReadOnlyList<KvPair>>(_http.Options, query, (q, ct) => ListAsync(prefix, q, ct)).RunAsync(cancellationToken);

    private static ConsulRequest Read(string key, ConsulQuery? query) =>
        new ConsulRequest(HttpMethod.Get, Path(key)) { Idempotent = true, Accept = [HttpStatusCode.NotFound] }.WithQuery(query);

    private async Task<bool> WriteAsync(HttpMethod method, string key, byte[]? value, string? datacenter, CancellationToken cancellationToken, params (string Name, string? Value)[] query)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var request = new ConsulRequest(method, Path(key)) { Body = value }.InDatacenter(datacenter);
        foreach (var (name, text) in query)
        {
            request.With(name, text);
        }

        return (await _http.SendAsync(request, cancellationToken)).ReadBool();
    }

    private static string Path(string key) => "v1/kv/" + ConsulRequest.Escape(key);

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
