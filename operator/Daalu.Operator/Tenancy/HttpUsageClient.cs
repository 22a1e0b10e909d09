using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Daalu.Contracts.Usage;
using Daalu.Operator.Routing;

namespace Daalu.Operator.Tenancy;

/// <summary>Reads GET /v1/usage with the operator's admin key, in the gateway's documented shape (docs/gateway.md).</summary>
internal sealed class HttpUsageClient(HttpClient http, RoutingSettings settings) : IUsageClient
{
    public async Task<UsageReport> GetUsageAsync(string adminKey, string tenant, int days, CancellationToken cancellationToken)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"{settings.EffectiveRouterUrl.TrimEnd('/')}/v1/usage?tenant={Uri.EscapeDataString(tenant)}&days={days}"));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new RouterUnavailableException(string.Create(CultureInfo.InvariantCulture, $"GET /v1/usage answered {(int)response.StatusCode}"));
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<UsageReport>(body, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false)
                ?? throw new RouterUnavailableException("GET /v1/usage answered null");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new RouterUnavailableException($"GET /v1/usage failed: {ex.GetType().Name}", ex);
        }
    }

}
