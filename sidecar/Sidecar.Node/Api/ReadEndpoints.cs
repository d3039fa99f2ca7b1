using System.Text.Json;
using Sidecar.Node.Merge;
using Sidecar.Node.Model;
using Sidecar.Node.Storage;

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
            var version = lease.Version;
            if (version.Cache.Get(userId) is { } cached)
            {
                body = cached;
            }
            else
            {
                var stamp = version.Cache.Stamp(userId);
                var state = UserStore.Read(version.Db, userId);
                if (state is null || !UserView.Exists(state))
                {
                    return Problems.UserNotFound(userId);
                }

                body = UserJsonWriter.Render(userId, state, version.Id);
                version.Cache.AddIfUnchanged(userId, body, stamp);
            }
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
            var entry = UserStore.Read(lease.Version.Db, userId)?.Fields.FirstOrDefault(f => f.Name == field);
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
}
