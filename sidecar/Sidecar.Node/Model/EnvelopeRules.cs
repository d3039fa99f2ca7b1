using Sidecar.Common.Envelope;
using Sidecar.Node.Configuration;
using Sidecar.Store.Model;

namespace Sidecar.Node.Model;

/// <summary>
/// What makes an envelope applicable. The API checks it before producing and ingest checks it
/// again on every record read, because anything can be written to a topic. User ids and names
/// follow the data model's rules (<see cref="UserIdRule"/>, <see cref="NameRule"/>), which the
/// snapshot builder applies too.
/// </summary>
internal sealed class EnvelopeRules
{
    public const uint SchemaVersion = EnvelopeSchema.Version;

    public const int MaxIdLength = 200;

    private readonly ApiOptions _api;
    private readonly ModelLimits _limits;
    private readonly int _listCap;

    public EnvelopeRules(ApiOptions api, StoreOptions store)
    {
        _api = api;
        _limits = api.Limits;
        _listCap = store.ListCap;
    }

    /// <summary>Returns why the envelope cannot be applied, or null when it can.</summary>
    public string? Check(UpdateEnvelope envelope)
    {
        if (envelope.SchemaVersion != SchemaVersion)
        {
            return $"unsupported schema_version {envelope.SchemaVersion} (this node reads {SchemaVersion})";
        }

        if (CheckUserId(envelope.UserId) is { } userError)
        {
            return userError;
        }

        if (string.IsNullOrEmpty(envelope.OriginDc))
        {
            return "origin_dc is empty";
        }

        // The request id: what makes a retried or re-delivered request count once.
        if (envelope.Id.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(envelope.Id) > MaxIdLength)
        {
            return $"id must be 1 to {MaxIdLength} bytes (the request's id)";
        }

        if (envelope.Ops.Count == 0 || envelope.Ops.Count > _api.MaxOpsPerRequest)
        {
            return $"an update carries 1 to {_api.MaxOpsPerRequest} ops, not {envelope.Ops.Count}";
        }

        for (var i = 0; i < envelope.Ops.Count; i++)
        {
            if (CheckOp(envelope.Ops[i]) is { } error)
            {
                return $"ops[{i}]: {error}";
            }
        }

        return null;
    }

    public string? CheckUserId(string userId) => UserIdRule.Check(userId, _limits);

    public string? CheckName(string kind, string name) => NameRule.Check(kind, name, _limits);

    public string? CheckValueSize(int bytes) =>
        bytes is 0 || bytes > _api.MaxValueBytes ? $"value must be 1 to {_api.MaxValueBytes} bytes" : null;

    public string? CheckMax(uint max) =>
        max is 0 || max > _listCap ? $"list max must be 1 to {_listCap}" : null;

    private string? CheckOp(Op op) =>
        op.Hlc == 0 || string.IsNullOrEmpty(op.Id) ? "hlc and id are required" : CheckContent(op);

    private static string? CheckJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(json);
            while (reader.Read())
            {
            }

            return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return "value is not valid JSON";
        }
    }

    /// <summary>Checks what an op says (names, sizes, bounds), not its stamp.</summary>
    public string? CheckContent(Op op) =>
        op.KindCase switch
        {
            Op.KindOneofCase.Set => CheckName("field", op.Set.Field) ?? CheckValueSize(op.Set.JsonValue.Length) ?? CheckJson(op.Set.JsonValue.Span),
            Op.KindOneofCase.Del => CheckName("field", op.Del.Field),
            Op.KindOneofCase.Push => CheckName("list", op.Push.List)
                ?? CheckMax(op.Push.Max)
                ?? CheckValueSize(op.Push.Item.Length),
            Op.KindOneofCase.Incr => CheckName("counter", op.Incr.Counter),
            Op.KindOneofCase.DeleteUser => op.DeleteUser.Observed.Select(o => CheckName("counter", o.Counter)).FirstOrDefault(e => e is not null),
            _ => "unknown op kind",
        };
}
