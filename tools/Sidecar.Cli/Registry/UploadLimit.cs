namespace Sidecar.Cli.Registry;

/// <summary>
/// Copies an upload of unknown length (chunked) up to a limit. Past it, it stops writing and
/// reads the rest of the body without keeping it, so that the client, which sends all of its
/// body before it reads the answer, gets the 413 instead of a reset connection; a body far past
/// the limit (more than <see cref="DrainBytes"/> more) is not drained: the caller's answer may
/// then be lost with the connection, as with any server that stops reading.
/// </summary>
internal static class UploadLimit
{
    public const long DrainBytes = 64L << 20;

    /// <summary>True when the whole body was copied; false when it was larger than <paramref name="limit"/>.</summary>
    public static async Task<bool> CopyAsync(Stream body, Stream target, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                await DrainAsync(body, buffer, cancellationToken);
                return false;
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return true;
    }

    private static async Task DrainAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        long drained = 0;
        int read;
        while (drained < DrainBytes && (read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            drained += read;
        }
    }
}
