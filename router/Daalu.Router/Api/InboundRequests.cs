using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Planning;
using Daalu.Router.Translation;

namespace Daalu.Router.Api;

/// <summary>
/// Reads a Responses or Anthropic Messages request: parsed with the same limits as every body, translated to a chat
/// request, validated as one (so classes, complexity, planning and quota see a chat request), and given the dialect
/// object that translates the answer back.
/// </summary>
public static class InboundRequests
{
    /// <summary>Parses <paramref name="body"/> sent to <paramref name="api"/>; exactly one of the results is non-null.</summary>
    /// <param name="forCounting">Anthropic count_tokens: the request needs no max_tokens.</param>
    public static (ParsedRequest? Request, RequestError? Error) Parse(ReadOnlySpan<byte> body, InboundApi api, int maxDepth, TimeProvider time, bool forCounting = false)
    {
        ArgumentNullException.ThrowIfNull(time);
        var (obj, error) = RequestParser.ParseObject(body, maxDepth);
        if (obj is null)
        {
            return (null, error);
        }

        JsonObject chat;
        try
        {
            chat = api switch
            {
                InboundApi.Responses => ResponsesToChatRequestTranslator.ToChat(obj),
                InboundApi.AnthropicMessages => MessagesToChatRequestTranslator.ToChat(obj, forCounting),
                _ => throw new ArgumentOutOfRangeException(nameof(api), api, "only Responses and Anthropic Messages are translated"),
            };
        }
        catch (TranslationException ex)
        {
            return (null, RequestError.Invalid(ex.Message, ex.Param, ex.Code ?? "unsupported_value"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            return (null, RequestError.Invalid("request body has a field of the wrong type"));
        }

        var (parsed, invalid) = RequestParser.Validate(chat, RequestFeatures.Chat);
        if (parsed is null)
        {
            return (null, invalid);
        }

        if (api == InboundApi.Responses)
        {
            parsed.ClientBody = obj;
        }

        var id = Daalu.Gateway.Ids.UniqueIds.Next();
        parsed.Dialect = api == InboundApi.Responses
            ? new ResponsesDialect(obj, id, time.GetUtcNow().ToUnixTimeSeconds())
            : new AnthropicMessagesDialect(parsed.Model, id);
        return (parsed, null);
    }
}
