using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.TestDoubles.Anthropic;

namespace Daalu.Router.Protocols.Tests.Anthropic;

/// <summary>Minimal raw HTTP client for the Anthropic double: what the router's Anthropic provider will send.</summary>
internal static class AnthropicClient
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public static async Task<HttpResponseMessage> PostAsync(
        AnthropicDouble server, JsonObject body, string? requestId = null, string? apiKey = "", bool withVersion = true, bool streamHeaders = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/v1/messages")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey.Length == 0 ? server.ApiKey : apiKey);
        }

        if (withVersion)
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        if (streamHeaders)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Reads an SSE body and hands each complete event (name, data) to <paramref name="onEvent"/>.</summary>
    public static async Task ReadEventsAsync(HttpResponseMessage response, Action<string, byte[]> onEvent)
    {
        using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var name = string.Empty;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    onEvent(name, Encoding.UTF8.GetBytes(data.ToString()));
                }

                name = string.Empty;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line["data:".Length..].TrimStart());
            }
        }
    }
}
