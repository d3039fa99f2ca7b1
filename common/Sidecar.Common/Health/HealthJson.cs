using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sidecar.Common.Health;

/// <summary>
/// Health answers with the reason, not just "Unhealthy":
/// <c>{"status":"Unhealthy","checks":{"ingest":"Unhealthy: catching up: lag 12"}}</c>.
/// </summary>
public static class HealthJson
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteString(name, $"{entry.Status}: {entry.Description}");
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
