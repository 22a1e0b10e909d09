using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Daalu.Operator.Planning;

namespace Daalu.Operator.Models;

/// <summary>
/// Reads model figures the way vLLM's own download does, from <c>{endpoint}/{repo}/resolve/{revision}/{file}</c> with
/// the token as <c>Authorization: Bearer</c> (huggingface_hub's file URL and auth header; <c>HF_ENDPOINT</c> overrides
/// the endpoint as it does for huggingface_hub). The checkpoint size is the safetensors index's
/// <c>metadata.total_size</c>; a single-file checkpoint has no index, and then a HEAD of <c>model.safetensors</c> gives
/// it (the Hub answers with <c>X-Linked-Size</c> for files stored in LFS, else <c>Content-Length</c>). Answers are
/// cached per repository, revision and token (an hour when read, a minute when not) so that a reconcile loop does not
/// call the Hub every pass.
/// </summary>
public sealed class ModelConfigReader : IModelConfigSource
{
    /// <summary>The public Hub.</summary>
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co/");

    private static readonly TimeSpan SuccessLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan FailureLifetime = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (ModelConfigResult Result, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a reader over <paramref name="http"/> against <paramref name="endpoint"/>.</summary>
    public ModelConfigReader(HttpClient http, Uri endpoint, TimeProvider time)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The endpoint from HF_ENDPOINT, or the public Hub.</summary>
    public static Uri EndpointFromEnvironment() =>
        Uri.TryCreate(Environment.GetEnvironmentVariable("HF_ENDPOINT"), UriKind.Absolute, out var endpoint) ? endpoint : DefaultEndpoint;

    /// <inheritdoc />
    public async Task<ModelConfigResult> ReadHubAsync(string repository, string revision, string? token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        var key = string.Create(CultureInfo.InvariantCulture, $"{repository.Trim()}@{revision}#{(token is null ? 0 : StringComparer.Ordinal.GetHashCode(token))}");
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Result;
        }

        var result = await ReadHubUncachedAsync(repository.Trim(), revision, token, cancellationToken).ConfigureAwait(false);
        _cache[key] = (result, now + (result.Architecture is null ? FailureLifetime : SuccessLifetime));
        return result;
    }

    private async Task<ModelConfigResult> ReadHubUncachedAsync(string repository, string revision, string? token, CancellationToken cancellationToken)
    {
        var source = $"huggingface:{repository}@{revision}";
        try
        {
            var (configStatus, config) = await GetAsync(repository, revision, "config.json", token, cancellationToken).ConfigureAwait(false);
            if (configStatus != HttpStatusCode.OK)
            {
                return Refused(repository, revision, "config.json", configStatus, token is not null);
            }

            long? size;
            var (indexStatus, index) = await GetAsync(repository, revision, "model.safetensors.index.json", token, cancellationToken).ConfigureAwait(false);
            if (indexStatus == HttpStatusCode.OK)
            {
                size = ModelConfigParser.ParseIndexTotalSize(index!);
            }
            else if (indexStatus == HttpStatusCode.NotFound)
            {
                size = await HeadSizeAsync(repository, revision, "model.safetensors", token, cancellationToken).ConfigureAwait(false);
                if (size is null)
                {
                    return ModelConfigResult.Failed(PlanReasons.ModelConfigNotFound,
                        $"{repository}@{revision} on {_endpoint.Host} has neither model.safetensors.index.json nor model.safetensors, so the weight size is unknown.", definitive: true);
                }
            }
            else
            {
                return Refused(repository, revision, "model.safetensors.index.json", indexStatus, token is not null);
            }

            return ModelConfigResult.Of(ModelConfigParser.Parse(config!, size, source));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or FormatException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            return ModelConfigResult.Failed(PlanReasons.ModelConfigUnreadable,
                $"Could not read {repository}@{revision} from {_endpoint.Host}: {ex.Message}", definitive: ex is FormatException or System.Text.Json.JsonException);
        }
    }

    private ModelConfigResult Refused(string repository, string revision, string file, HttpStatusCode status, bool hadToken) => status switch
    {
        HttpStatusCode.NotFound => ModelConfigResult.Failed(PlanReasons.ModelConfigNotFound,
            $"{_endpoint.Host} has no {file} for {repository} at revision {revision} (404): check spec.model{(revision == Api.V1Alpha1.HubRevisions.Default ? string.Empty : " and spec.weights.huggingFace.revision")}.", definitive: true),
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ModelConfigResult.Failed(PlanReasons.ModelConfigUnauthorized,
            hadToken
                ? $"{_endpoint.Host} refused the token for {repository} ({(int)status}): the model is gated or private and the token in spec.weights.huggingFace.tokenSecretRef has no access to it."
                : $"{_endpoint.Host} refused {repository} without a token ({(int)status}): the model is gated or private; set spec.weights.huggingFace.tokenSecretRef to a Secret holding a token with access.",
            definitive: true),
        _ => ModelConfigResult.Failed(PlanReasons.ModelConfigUnreadable,
            $"{_endpoint.Host} answered {(int)status} for {file} of {repository}@{revision}.", definitive: false),
    };

    private async Task<(HttpStatusCode Status, string? Body)> GetAsync(string repository, string revision, string file, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FileUri(repository, revision, file));
        Authorize(request, token);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK
            ? (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))
            : (response.StatusCode, null);
    }

    private async Task<long?> HeadSizeAsync(string repository, string revision, string file, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, FileUri(repository, revision, file));
        Authorize(request, token);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Found or HttpStatusCode.Redirect or HttpStatusCode.TemporaryRedirect))
        {
            return null;
        }

        if (response.Headers.TryGetValues("X-Linked-Size", out var linked) && long.TryParse(linked.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return size;
        }

        return response.Content.Headers.ContentLength;
    }

    private Uri FileUri(string repository, string revision, string file) =>
        new(_endpoint, $"{repository}/resolve/{Uri.EscapeDataString(revision)}/{file}");

    private static void Authorize(HttpRequestMessage request, string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
