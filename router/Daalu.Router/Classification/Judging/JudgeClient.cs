using System.Net.Http.Headers;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// Sends one question to the judge model's own-GPU backend (POST {url}/v1/chat/completions) and waits at most the given
/// time, measured on the injected <see cref="TimeProvider"/>. Never throws for the judge's faults: a timeout, an error
/// status, a refused connection or an answer that is not a digit come back as outcomes, and the caller keeps its
/// rating. These calls do not pass through the cascade, so no quota is reserved or ledger record written for them.
/// </summary>
public sealed class JudgeClient(HttpMessageInvoker http, TimeProvider time)
{
    /// <summary>Asks and waits.</summary>
    /// <param name="backendUrl">Base URL of the backend, up to but not including /v1.</param>
    /// <param name="key">Bearer key the backend expects, if any.</param>
    /// <param name="body">A request from <see cref="JudgePrompts"/>.</param>
    /// <param name="maxDigit">Highest valid digit (3 for difficulty, 5 for quality).</param>
    /// <param name="timeout">Longest wait.</param>
    /// <param name="ct">The caller going away; cancels the call and is rethrown.</param>
    public async Task<JudgeReply> AskAsync(string backendUrl, string? key, byte[] body, int maxDigit, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backendUrl);
        var start = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, backendUrl.TrimEnd('/') + "/v1/chat/completions")
            {
                Content = new ByteArrayContent(body),
            };
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (key is not null)
            {
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            using var resp = await http.SendAsync(req, linked.Token);
            if (!resp.IsSuccessStatusCode)
            {
                return new JudgeReply(JudgeOutcomes.Error, null, time.GetElapsedTime(start));
            }

            var bytes = await resp.Content.ReadAsByteArrayAsync(linked.Token);
            var digit = JudgePrompts.ParseDigit(bytes, maxDigit);
            return new JudgeReply(digit is null ? JudgeOutcomes.Malformed : JudgeOutcomes.Rated, digit, time.GetElapsedTime(start));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new JudgeReply(JudgeOutcomes.Timeout, null, time.GetElapsedTime(start));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new JudgeReply(deadline.IsCancellationRequested ? JudgeOutcomes.Timeout : JudgeOutcomes.Error, null, time.GetElapsedTime(start));
        }
    }
}
