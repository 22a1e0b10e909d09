using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Detection;

/// <summary>
/// Polls /v1/models over HTTP and reads the vLLM shape: <c>{"object":"list","data":[{"id","root","max_model_len",...}]}</c>.
/// Other OpenAI-compatible servers omit root and max_model_len; those stay null. LoRA adapters are listed too.
/// </summary>
public sealed class HttpServedModelDetector : IServedModelDetector
{
    private const int MaxBodyBytes = 1 << 20;
    private readonly HttpClient _http;

    /// <summary>Uses <paramref name="http"/> (its handler is the test seam); requests time out after <paramref name="timeout"/>.</summary>
    public HttpServedModelDetector(HttpClient http, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        Timeout = timeout ?? TimeSpan.FromSeconds(5);
    }

    /// <summary>Per-poll timeout.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public async Task<DetectionResult> DetectAsync(string baseUrl, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseUrl);
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/v1/models", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return DetectionResult.Failed($"'{baseUrl}' is not an http(s) URL");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return DetectionResult.Failed(string.Create(CultureInfo.InvariantCulture, $"GET {uri.AbsolutePath} answered {(int)response.StatusCode}"));
            }

            if (response.Content.Headers.ContentLength > MaxBodyBytes)
            {
                return DetectionResult.Failed("model list larger than 1 MiB");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token).ConfigureAwait(false);
            return Parse(document.RootElement);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DetectionResult.Failed(string.Create(CultureInfo.InvariantCulture, $"GET {uri.AbsolutePath} timed out after {Timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            return DetectionResult.Failed($"GET {uri.AbsolutePath} failed: {ex.HttpRequestError}");
        }
        catch (JsonException)
        {
            return DetectionResult.Failed($"GET {uri.AbsolutePath} did not return JSON");
        }
    }

    /// <summary>Reads a /v1/models body.</summary>
    public static DetectionResult Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return DetectionResult.Failed("/v1/models has no data array");
        }

        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var entry in data.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(id.GetString()))
            {
                continue;
            }

            var modelRoot = entry.TryGetProperty("root", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            int? maxLen = entry.TryGetProperty("max_model_len", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var v) ? v : null;
            models[id.GetString()!] = new ServedModel { Id = id.GetString()!, Root = modelRoot, MaxModelLen = maxLen };
        }

        return new DetectionResult(true, models.Values.OrderBy(x => x.Id, StringComparer.Ordinal).ToList(), null);
    }
}
