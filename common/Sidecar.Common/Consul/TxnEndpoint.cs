using System.Net;

namespace Sidecar.Common.Consul;

/// <summary><c>/v1/txn</c>: up to 64 KV operations applied all together or not at all.</summary>
public sealed class TxnEndpoint
{
    private readonly ConsulHttp _http;

    internal TxnEndpoint(ConsulHttp http) => _http = http;

    /// <summary>Runs the operations as one transaction. A rollback (409: a check or CAS failed) is a
    /// result with <see cref="TxnResult.Committed"/> false, not an exception. Never retried.</summary>
    public async Task<TxnResult> ExecuteAsync(IReadOnlyList<TxnOp> operations, string? datacenter = null, CancellationToken cancellationToken = default)
    {
        if (operations.Count is 0 or > TxnOp.MaxOperations)
        {
            throw new ArgumentException($"a transaction holds 1 to {TxnOp.MaxOperations} operations (got {operations.Count})", nameof(operations));
        }

        var body = ConsulHttp.Json(operations.Select(op => new TxnOpEnvelope(op)).ToList(), ConsulJson.Default.ListTxnOpEnvelope);
        var request = new ConsulRequest(HttpMethod.Put, "v1/txn") { Body = body, Accept = [HttpStatusCode.Conflict] }.InDatacenter(datacenter);
        var answer = await _http.SendAsync(request, cancellationToken);
        var response = answer.Read(ConsulJson.Default.TxnResponse);
        var results = (response.Results ?? []).Select(r => r.Kv).OfType<KvPair>().ToList();
        return new TxnResult(answer.Status != HttpStatusCode.Conflict, results, response.Errors ?? []);
    }
}
