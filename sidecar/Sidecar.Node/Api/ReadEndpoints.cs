using System.Text.Json;
using Sidecar.Common.Contracts;
using Sidecar.Node.Datasets;
using Sidecar.Node.Merge;
using Sidecar.Node.Model;
using Sidecar.Node.Storage;

namespace Sidecar.Node.Api;

/// <summary>Reads are served from the live version of the dataset's local store: no network hop.</summary>
internal static class ReadEndpoints
{
    public static void MapReadEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var user in UserPaths.Patterns)
        {
            app.MapGet(user, GetUser);
            app.MapGet(user + "/fields/{field}", GetField);
        }
    }

    private static async Task<IResult> GetUser(string userId, HttpContext context, NodeDatasets datasets)
    {
        if (datasets.Of(context) is not { } dataset)
        {
            return Problems.UnknownDataset(context);
        }

        if (dataset.Rules.CheckUserId(userId) is { } error)
        {
            return Problems.BadRequest(error);
        }

        var response = context.Response;
        byte[] body;
        using (var lease = dataset.Store.Acquire())
        {
            var version = lease.Version;
            var nowMs = dataset.ExpiryNowMs;
            if (version.Cache.Get(userId, nowMs) is { } cached)
            {
                body = cached;
            }
            else
            {
                var stamp = version.Cache.Stamp(userId);
                var state = UserStore.Read(version, userId);
                if (state is null || VisibleUser.Render(userId, state, version.Id, dataset.Expiry, nowMs) is not { } rendering)
                {
                    return Problems.UserNotFound(userId);
                }

                body = rendering.Json;
                version.Cache.AddIfUnchanged(userId, body, stamp, rendering.ValidUntilMs);
            }
        }

        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
        return Results.Empty;
    }

    private static async Task<IResult> GetField(string userId, string field, HttpContext context, NodeDatasets datasets)
    {
        if (datasets.Of(context) is not { } dataset)
        {
            return Problems.UnknownDataset(context);
        }

        if ((dataset.Rules.CheckUserId(userId) ?? dataset.Rules.CheckName("field", field)) is { } error)
        {
            return Problems.BadRequest(error);
        }

        var response = context.Response;
        using (var lease = dataset.Store.Acquire())
        {
            var state = UserStore.Read(lease.Version, userId);
            var entry = state is not null && VisibleUser.Apply(state, dataset.Expiry, dataset.ExpiryNowMs)
                ? state.Fields.FirstOrDefault(f => f.Name == field)
                : null;
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
