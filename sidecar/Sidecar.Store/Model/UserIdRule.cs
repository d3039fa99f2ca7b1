using System.Text;

namespace Sidecar.Store.Model;

/// <summary>
/// What a user id may be: 1 to <see cref="ModelLimits.MaxUserIdBytes"/> UTF-8 bytes, no control
/// characters. The API checks it on every request, ingest on every record, the snapshot builder on
/// every line: one rule, so a snapshot cannot load a user that GET refuses.
/// </summary>
public static class UserIdRule
{
    /// <summary>Returns why <paramref name="userId"/> is not a user id, or null when it is one.</summary>
    public static string? Check(string userId, ModelLimits limits)
    {
        if (string.IsNullOrEmpty(userId))
        {
            return "user id is empty";
        }

        if (Encoding.UTF8.GetByteCount(userId) > limits.MaxUserIdBytes)
        {
            return $"user id is longer than {limits.MaxUserIdBytes} bytes";
        }

        return userId.Any(char.IsControl) ? "user id contains control characters" : null;
    }
}
