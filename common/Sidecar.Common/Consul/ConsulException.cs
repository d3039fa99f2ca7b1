using System.Net;

namespace Sidecar.Common.Consul;

/// <summary>Consul answered a call with an error status.</summary>
public sealed class ConsulException : Exception
{
    public ConsulException(string method, string path, HttpStatusCode statusCode, string body)
        : base($"Consul {method} {path}: {(int)statusCode} {statusCode}: {body.Trim()}")
    {
        Method = method;
        Path = path;
        StatusCode = statusCode;
        Body = body;
    }

    public string Method { get; }

    public string Path { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>Consul's error text, as sent.</summary>
    public string Body { get; }

    /// <summary>Worth another try of a call that is safe to repeat: a server error or a rate limit.</summary>
    public bool IsTransient => (int)StatusCode >= 500 || StatusCode == HttpStatusCode.TooManyRequests;
}
