using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.Retry;

namespace Sidecar.Common.Consul;

/// <summary>Sends <see cref="ConsulRequest"/>s: token, timeout, <c>X-Consul-Index</c>, typed errors, and
/// retries with backoff for the requests that are safe to repeat.</summary>
internal sealed class ConsulHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ResiliencePipeline _retry;

    public ConsulHttp(ConsulClientOptions options, HttpClient? http)
    {
        Options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _retry = options.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutException>()
                    .Handle<ConsulException>(e => e.IsTransient),
            }).Build();
    }

    public ConsulClientOptions Options { get; }

    public async Task<Answer> SendAsync(ConsulRequest request, CancellationToken cancellationToken)
    {
        if (!request.Idempotent)
        {
            return await SendOnceAsync(request, cancellationToken);
        }

        return await _retry.ExecuteAsync(static async (state, token) => await state.Http.SendOnceAsync(state.Request, token), (Http: this, Request: request), cancellationToken);
    }

    public async Task<T> SendAsync<T>(ConsulRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        (await SendAsync(request, cancellationToken)).Read(type);

    public static byte[] Json<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async ValueTask<Answer> SendOnceAsync(ConsulRequest request, CancellationToken cancellationToken)
    {
        var timeout = Options.RequestTimeout + (request.Wait is { } wait ? wait + wait / 16 : TimeSpan.Zero);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var message = new HttpRequestMessage(request.Method, request.Uri(Options));
        if (!string.IsNullOrEmpty(Options.Token))
        {
            message.Headers.Add("X-Consul-Token", Options.Token);
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            if (!response.IsSuccessStatusCode && !request.Accept.Contains(response.StatusCode))
            {
                throw new ConsulException(request.Method.Method, request.Path, response.StatusCode, Encoding.UTF8.GetString(body));
            }

            return new Answer(response.StatusCode, body, Index(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Consul {request.Method} {request.Path}: no answer within {timeout}");
        }
    }

    private static ulong Index(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Consul-Index", out var values)
        && ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : 0;

    /// <summary>Consul's answer: status, body and <c>X-Consul-Index</c>.</summary>
    internal sealed record Answer(HttpStatusCode Status, byte[] Body, ulong Index)
    {
        public bool Found => Status != HttpStatusCode.NotFound;

        public T Read<T>(JsonTypeInfo<T> type) =>
            JsonSerializer.Deserialize(Body, type) ?? throw new JsonException($"Consul answered null where a {typeof(T).Name} was expected");

        /// <summary>A body of <c>true</c> or <c>false</c>, as KV writes and session destroy answer.</summary>
        public bool ReadBool() => Read(ConsulJson.Default.Boolean);
    }
}
