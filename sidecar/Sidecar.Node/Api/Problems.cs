using Sidecar.Common.Contracts;

namespace Sidecar.Node.Api;

/// <summary>problem+json answers (RFC 9457) for the API's error cases.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static IResult TooLarge(int limit) =>
        Results.Problem($"The body is larger than {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    public static IResult UserNotFound(string userId) =>
        Results.Problem($"No data for user '{userId}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult UnknownDataset(HttpContext context) =>
        UnknownDataset(context.Request.RouteValues[UserPaths.DatasetRouteValue] as string ?? "");

    public static IResult UnknownDataset(string dataset) =>
        Results.Problem($"This node serves no dataset '{dataset}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown dataset");

    public static IResult FieldNotFound(string userId, string field) =>
        Results.Problem($"User '{userId}' has no field '{field}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult NotAppliedInTime(WriteReceipt receipt, TimeSpan waited) =>
        Results.Problem(
            $"The write was accepted at {receipt.Topic}[{receipt.Partition}]@{receipt.Offset} but not applied within {waited.TotalMilliseconds:0} ms; it will still be applied.",
            statusCode: StatusCodes.Status504GatewayTimeout,
            title: "Not applied in time",
            extensions: new Dictionary<string, object?> { ["partition"] = receipt.Partition, ["offset"] = receipt.Offset });

    /// <summary>429 with Retry-After: the caller may try again after that many seconds.</summary>
    public static IResult TooMany(string detail, int retryAfterSeconds) =>
        new RetryAfter(Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests"), retryAfterSeconds);

    public static IResult Unavailable(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unavailable");
}

/// <summary>A result with a <c>Retry-After</c> header.</summary>
internal sealed class RetryAfter(IResult inner, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}

/// <summary>Where an accepted write landed: the updates topic of <paramref name="Datacenter"/>
/// (named as this node reads it), partition and offset there.</summary>
internal sealed record WriteReceipt(string UserId, string Topic, int Partition, long Offset, bool Applied, string Datacenter);

/// <summary>A user deleted in every dataset (<c>DELETE /v1/users/{id}?datasets=all</c>): each dataset's receipt, by name.</summary>
internal sealed record ForgetReceipt(string UserId, Dictionary<string, WriteReceipt> Datasets);
