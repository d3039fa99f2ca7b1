using System.Globalization;

namespace Sidecar.Node.Api;

/// <summary>The <c>?at=</c> of <c>/admin/digest</c>: Unix milliseconds, or an ISO 8601 time that
/// says its offset (a time without one would mean each node's own zone).</summary>
internal static class DigestTime
{
    public static long? Parse(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        return text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToUnixTimeMilliseconds()
            : null;
    }
}
