using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.WebConsole.Diagnostics;

/// <summary>
/// The synthetic probe: straight to the card's OpenAI-compatible server, not through the cascade (so it measures the
/// card, and is neither metered nor billed). GET /v1/models for what it serves, then one non-streaming chat completion
/// with max_tokens 8 on the first served model; latency is the whole call, tokens/s is usage.completion_tokens over it.
/// </summary>
internal sealed class DiagnosticsProbe(HttpClient http, ConsoleOptions options)
{
    public async Task<ProbeResult> RunAsync(string backend, string baseUrl, string? bearer, CancellationToken ct)
    {
        var root = baseUrl.TrimEnd('/');
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.UpstreamTimeout);
        var models = new List<string>();
        try
        {
            using (var list = Request(HttpMethod.Get, root + "/v1/models", bearer))
            using (var response = await http.SendAsync(list, cts.Token))
            {
                if (!response.IsSuccessStatusCode)
                {
                    return Failed(backend, models, $"GET /v1/models answered HTTP {(int)response.StatusCode}");
                }

                var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync(cts.Token));
                foreach (var m in doc?["data"]?.AsArray() ?? [])
                {
                    if (m?["id"]?.GetValue<string>() is { } id)
                    {
                        models.Add(id);
                    }
                }
            }

            if (models.Count == 0)
            {
                return Failed(backend, models, "the server lists no model");
            }

            var body = new JsonObject
            {
                ["model"] = models[0],
                ["max_tokens"] = 8,
                ["temperature"] = 0,
                ["stream"] = false,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Reply with the word OK." }),
            }.ToJsonString();
            using var chat = Request(HttpMethod.Post, root + "/v1/chat/completions", bearer);
            chat.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var start = Stopwatch.GetTimestamp();
            using var answer = await http.SendAsync(chat, cts.Token);
            var text = await answer.Content.ReadAsStringAsync(cts.Token);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (!answer.IsSuccessStatusCode)
            {
                return Failed(backend, models, $"the completion answered HTTP {(int)answer.StatusCode}");
            }

            var tokens = JsonNode.Parse(text)?["usage"]?["completion_tokens"]?.GetValue<long>() ?? 0;
            var seconds = elapsed.TotalSeconds;
            return new ProbeResult(backend, true, null, models, models[0], Math.Round(elapsed.TotalMilliseconds, 1), tokens,
                tokens > 0 && seconds > 0 ? Math.Round(tokens / seconds, 1) : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException or FormatException)
        {
            return Failed(backend, models, ex is OperationCanceledException ? "timed out" : ex.Message);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, string? bearer)
    {
        var request = new HttpRequestMessage(method, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private static ProbeResult Failed(string backend, List<string> models, string error) => new(backend, false, error, models, null, 0, 0, null);
}
