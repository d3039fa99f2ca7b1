using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sidecar.Store;
using Sidecar.Store.Snapshots;

namespace Sidecar.Cli.Registry;

/// <summary>
/// An HTTP registry over a directory registry (<c>sidecarctl registry serve</c>):
/// <list type="bullet">
/// <item><c>GET /&lt;version&gt;/&lt;file&gt;</c>: a published version's manifest and files;</item>
/// <item><c>PUT /&lt;version&gt;/&lt;file&gt;</c>: an upload, kept aside until its <c>manifest.json</c>
/// arrives (sent last); then the whole upload is published with <see cref="SnapshotRegistry.Publish"/>:
/// every checksum verified, copied and renamed into place, so readers never see half a version;
/// 422 when it does not verify, 409 when another snapshot already holds the id.</item>
/// </list>
/// </summary>
internal sealed class RegistryServer
{
    private readonly string _root;
    private readonly string _uploads;
    private readonly SemaphoreSlim _publish = new(1, 1);
    private readonly long _maxFileBytes;

    /// <param name="maxFileBytes">The largest file a PUT may carry. Kestrel's default request body
    /// limit (30 MB) is far below a snapshot's SST files (256 MiB each by default).</param>
    public RegistryServer(string root, long maxFileBytes)
    {
        _maxFileBytes = maxFileBytes;
        _root = Path.GetFullPath(root);
        _uploads = Path.Combine(_root, ".uploads");
        Directory.CreateDirectory(_uploads);
    }

    public WebApplication Build(string[] urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(urls);
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Ok()); // a literal route: wins over the pattern below
        app.MapGet("/{version}/{file}", Get);
        app.MapPut("/{version}/{file}", PutAsync);
        return app;
    }

    private IResult TooLarge(string file) =>
        Results.Problem($"{file} is larger than this registry takes ({_maxFileBytes:N0} bytes: registry serve --max-file-bytes)",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large");

    private IResult Get(string version, string file)
    {
        // A publish in progress (SnapshotRegistry.Publish's ".partial-" directory) is not a version yet.
        if (SnapshotFiles.Refusal(version, file) is not null || version.Contains(".partial-", StringComparison.Ordinal))
        {
            return Results.Problem("no such version or file", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        return SnapshotFiles.Serve(_root, version, file,
            () => Results.Problem($"no {file} in version {version}", statusCode: StatusCodes.Status404NotFound, title: "Not found"));
    }

    private async Task<IResult> PutAsync(string version, string file, HttpRequest request, CancellationToken cancellationToken)
    {
        if (SnapshotFiles.Refusal(version, file) is { } refusal)
        {
            return Results.Problem(refusal, statusCode: StatusCodes.Status400BadRequest, title: "Invalid upload");
        }

        if (request.ContentLength > _maxFileBytes)
        {
            // Refused before reading: Kestrel then drains the body (up to its own limit) and the
            // client reads this answer on a connection that stays open.
            return TooLarge(file);
        }

        // The limit is this registry's own (counted below), not Kestrel's 30 MB default.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var upload = Path.Combine(_uploads, version);
        Directory.CreateDirectory(upload);
        var path = Path.Combine(upload, file);
        bool complete;
        await using (var target = File.Create(path))
        {
            complete = await UploadLimit.CopyAsync(request.Body, target, _maxFileBytes, cancellationToken);
        }

        if (!complete)
        {
            // A chunked body that grew past the limit: nothing of it is kept.
            File.Delete(path);
            return TooLarge(file);
        }

        if (file != SnapshotManifest.FileName)
        {
            return Results.Accepted();
        }

        await _publish.WaitAsync(cancellationToken);
        try
        {
            var existed = Directory.Exists(Path.Combine(_root, version));
            SnapshotRegistry.Publish(upload, _root);
            return existed ? Results.Ok() : Results.Created($"/{version}/{SnapshotManifest.FileName}", null);
        }
        catch (SnapshotInvalidException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Snapshot does not verify");
        }
        catch (IOException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Version already published");
        }
        finally
        {
            Directory.Delete(upload, recursive: true);
            _publish.Release();
        }
    }
}
