using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Daalu.Operator.Routing;

/// <summary>
/// Asks the router over HTTP, with the operator's admin key, which configuration it has loaded: a dry-run
/// POST /v1/route/explain reports it (no model is called; the operator's tenant has no model access anyway).
/// </summary>
internal sealed class HttpRouterClient(HttpClient http, RoutingSettings settings) : IRouterClient
{
    // A constant probe body: the explain endpoint needs a chat request, and no user text is ever sent.
    private const string ExplainBody = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"operator config probe\"}]}";

    public async Task<string?> GetLoadedConfigHashAsync(string adminKey, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Base() + "/v1/route/explain"))
            {
                Content = new StringContent(ExplainBody, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var doc = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return doc.RootElement.TryGetProperty("config_hash", out var hash) && hash.ValueKind == JsonValueKind.String ? hash.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private string Base() => settings.EffectiveRouterUrl.TrimEnd('/');
}
