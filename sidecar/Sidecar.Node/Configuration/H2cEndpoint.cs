using Microsoft.AspNetCore.Http;

namespace Sidecar.Node.Configuration;

/// <summary>
/// The optional second listener, <c>Api:H2cUrl</c>: the same API over HTTP/2 in clear text (prior
/// knowledge), for proxies. There many requests share one connection, and a proxy sends and
/// receives them in fewer, larger writes and reads, which takes about 40 % off its CPU per request
/// (docs/benchmarks.md). It needs a port of its own: without TLS there is no protocol negotiation,
/// so Kestrel serves a clear-text port with HTTP/1.1 or with HTTP/2, not both. The service beside
/// the node keeps using the HTTP/1.1 address.
/// </summary>
internal static class H2cEndpoint
{
    public const string Key = "Api:H2cUrl";

    /// <summary>
    /// Turns the listening addresses (<c>urls</c>) into named Kestrel endpoints and adds the h2c
    /// one. Does nothing when no h2c address is set, or when it does not parse: start-up
    /// validation then stops the node with the reason.
    /// </summary>
    public static void Configure(IConfiguration configuration)
    {
        if (Parse(configuration[Key]) is null)
        {
            return;
        }

        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < urls.Length; i++)
        {
            configuration[$"Kestrel:Endpoints:Http{i}:Url"] = urls[i];
        }

        configuration["Kestrel:Endpoints:H2c:Url"] = configuration[Key];
        configuration["Kestrel:Endpoints:H2c:Protocols"] = "Http2";
        // Kestrel then logs that it overrides the "urls" addresses with the endpoints: it binds
        // the same ones (the host read "urls" before this runs, so it cannot be emptied here).
    }

    /// <summary>The address when it is an http:// address with a fixed port (Consul must be told the port), else null.</summary>
    public static BindingAddress? Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        try
        {
            var address = BindingAddress.Parse(url);
            return address is { Scheme: "http", Port: > 0, PathBase: "" } && !address.IsNamedPipe && !address.IsUnixPipe ? address : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
