using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Daalu.Contracts.Status;

namespace Daalu.Operator.Routing;

/// <summary>
/// Asks the router over HTTP, with the operator's admin key, which configuration it has loaded: GET /admin/config
/// answers with the contracts library's <see cref="LoadedConfigDocument"/> (hash and per-part verdicts).
/// </summary>
internal sealed class HttpRouterClient(HttpClient http, RoutingSettings settings) : IRouterClient
{
    public async Task<LoadedConfigDocument?> GetLoadedConfigAsync(string adminKey, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.EffectiveRouterUrl.TrimEnd('/') + "/admin/config"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync(StatusJsonContext.Default.LoadedConfigDocument, cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
