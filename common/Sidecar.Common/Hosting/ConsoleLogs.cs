using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Sidecar.Common.Hosting;

/// <summary>
/// The console log of every process: one line per entry, readable (the default), or JSON lines
/// with <c>Logging:Console:FormatterName=json</c> (the built-in JSON console formatter, UTC ISO
/// timestamps, scopes included, so a request's entries carry its trace and span ids).
/// </summary>
/// <remarks>
/// Configured in code once here: <c>AddSimpleConsole</c> sets the formatter name itself and would
/// override the setting from configuration, so the choice is read first and honoured.
/// </remarks>
public static class ConsoleLogs
{
    public static ILoggingBuilder AddSidecarConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        var formatter = configuration["Logging:Console:FormatterName"];
        if (string.Equals(formatter, ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase))
        {
            return logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.IncludeScopes = true;
            });
        }

        return logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
    }
}
