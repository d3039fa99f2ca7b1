using System.Buffers;
using System.Text.Json;
using Sidecar.Node.Ingest;
using Sidecar.Node.Merge;
using Sidecar.Node.Storage;
using Sidecar.Store.State;

namespace Sidecar.Node.Api;

/// <summary>Reads are served from the live version of the local store: no network hop.</summary>
internal static class ReadEndpoints
{
    public static void MapReadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/users/{userId}", GetUser);
        app.MapGet("/v1/users/{userId}/fields/{field}", GetField);
    }

    private static async Task<IResult> GetUser(string userId, HttpResponse response, VersionedStore store, EnvelopeRules rules)
    {
        if (rules.CheckUserId(userId) is { } error)
        {
            return Problems.BadRequest(error);
        }

        byte[] body;
        using (var lease = store.Acquire())
        {
            var user = Read(lease.Version, userId);
            if (user is null || !UserView.Exists(user.State))
            {
                return Problems.UserNotFound(userId);
            }

            body = user.Json ??= Render(userId, user.State, lease.Version.Id);
        }

        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
        return Results.Empty;
    }

    private static async Task<IResult> GetField(string userId, string field, HttpResponse response, VersionedStore store, EnvelopeRules rules)
    {
        if ((rules.CheckUserId(userId) ?? rules.CheckName("field", field)) is { } error)
        {
            return Problems.BadRequest(error);
        }

        using (var lease = store.Acquire())
        {
            var entry = Read(lease.Version, userId)?.State.Fields.FirstOrDefault(f => f.Name == field);
            if (entry is null || entry.Tombstone)
            {
                return Problems.FieldNotFound(userId, field);
            }

            response.ContentType = "application/json; charset=utf-8";
            using var json = new Utf8JsonWriter(response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("userId", userId);
            json.WriteString("field", field);
            json.WritePropertyName("value");
            json.WriteRawValue(entry.JsonValue.Span, skipInputValidation: true);
            json.WriteString("version", lease.Version.Id);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
        return Results.Empty;
    }

    /// <summary>The user's state through the version's cache; null when the store has none.</summary>
    private static CachedUser? Read(StoreVersion version, string userId)
    {
        if (version.Cache.Get(userId) is { } cached)
        {
            return cached;
        }

        var stamp = version.Cache.Stamp(userId);
        return UserStore.Read(version.Db, userId) is { } state ? version.Cache.AddIfUnchanged(userId, state, stamp) : null;
    }

    private static byte[] Render(string userId, UserState state, string version)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            UserJsonWriter.Write(json, userId, state, version);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
