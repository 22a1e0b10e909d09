using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Planning;

namespace Daalu.Router.Api;

/// <summary>
/// Parses and validates request bodies with a depth limit and strict UTF-8, so a malformed request is a 4xx with a
/// clear message before anything is reserved or sent upstream. A body in the OpenAI APIs is read in one forward-only
/// pass without a JSON tree; a body that is translated (Responses, Anthropic Messages) is parsed into one here
/// (<see cref="ParseObject"/>), and its chat translation is checked by the same pass.
/// </summary>
public static class RequestParser
{
    /// <summary>The roles a chat message may have.</summary>
    internal static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary>
    /// Parses and validates <paramref name="body"/> for <paramref name="endpoint"/> in one forward-only pass, without a
    /// JSON tree (<see cref="RequestBodyReader"/>): the request keeps the bytes (<see cref="ParsedRequest.Raw"/>) and
    /// its texts, and builds a tree only if an attempt must rewrite the body. Exactly one of the results is non-null.
    /// </summary>
    public static (ParsedRequest? Request, RequestError? Error) Parse(byte[] body, string endpoint, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(body);
        var (scan, error) = Scan(body, maxDepth);
        if (scan is null)
        {
            return (null, error);
        }

        var (parsed, invalid) = Check(scan, endpoint);
        if (parsed is null)
        {
            return (null, invalid);
        }

        parsed.Raw = body;
        parsed.RawDepth = maxDepth;
        return (parsed, null);
    }

    /// <summary>
    /// Validates an already parsed chat, completions or embeddings body (an inbound dialect's request translated to
    /// chat) by the same checks, read from its serialised form; exactly one of the results is non-null.
    /// </summary>
    public static (ParsedRequest? Request, RequestError? Error) Validate(JsonObject obj, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(obj);
        RequestBodyReader scan;
        try
        {
            // A translation may nest a level or two deeper than the client's body, which the depth limit has checked.
            scan = RequestBodyReader.Read(Forwarding.JsonBytes.Serialize(obj), TranslatedMaxDepth);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            return (null, RequestError.Invalid("request body has a field of the wrong type"));
        }

        var (parsed, error) = Check(scan, endpoint);
        if (parsed is not null)
        {
            parsed.UseTree(obj);
        }

        return (parsed, error);
    }

    private const int TranslatedMaxDepth = 1000;

    // The syntax-level verdict, with ParseObject's messages and precedence: invalid UTF-8, then the first syntax, depth
    // or lone-surrogate error in the body, then a repeated name anywhere, then a root that is not an object.
    private static (RequestBodyReader? Scan, RequestError? Error) Scan(byte[] body, int maxDepth)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return (null, InvalidUtf8);
        }

        RequestBodyReader scan;
        try
        {
            scan = RequestBodyReader.Read(body, maxDepth);
        }
        catch (JsonException ex)
        {
            return (null, SyntaxError(ex, maxDepth));
        }
        catch (InvalidOperationException)
        {
            return (null, InvalidString);
        }
        catch (ArgumentException)
        {
            return (null, InvalidUtf8);
        }

        if (scan.RepeatsName)
        {
            return (null, RequestError.Invalid(RepeatedName, code: "invalid_json"));
        }

        return scan.RootIsObject ? (scan, null) : (null, RequestError.Invalid("request body must be a JSON object", code: "invalid_json"));
    }

    private const string RepeatedName = "request body repeats a property name within one object";

    private static readonly RequestError InvalidUtf8 = RequestError.Invalid("request body is not valid UTF-8", code: "invalid_json");

    private static readonly RequestError InvalidString =
        RequestError.Invalid("request body contains an invalid string (lone surrogate or invalid UTF-8)", code: "invalid_json");

    private static RequestError SyntaxError(JsonException ex, int maxDepth) => RequestError.Invalid(
        ex.Message.StartsWith("Duplicate property", StringComparison.Ordinal)
            ? RepeatedName
            : ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            ? $"request body nests deeper than {maxDepth} levels"
            : ex.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("invalid UTF", StringComparison.OrdinalIgnoreCase)
                ? "request body is not valid UTF-8"
                : "request body is not valid JSON",
        code: "invalid_json");

    /// <summary>
    /// Parses a body into a JSON object with the depth limit, strict UTF-8 and no repeated property names; exactly one
    /// of the results is non-null. The bodies of the inbound APIs that are translated to chat (Responses, Anthropic
    /// Messages) are read through this; a chat, completions or embeddings body is read by <see cref="Parse"/>.
    /// </summary>
    public static (JsonObject? Body, RequestError? Error) ParseObject(ReadOnlySpan<byte> body, int maxDepth)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return (null, InvalidUtf8);
        }

        JsonNode? root;
        try
        {
            if (body.IndexOf("\\u"u8) >= 0)
            {
                ValidateEscapes(body, maxDepth);
            }

            // Repeated names are refused at any depth: a JsonObject throws on them only when first read, which could be
            // anywhere later on (classification, a rewrite, a translation) and would surface as a 500.
            root = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = false }, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return (null, SyntaxError(ex, maxDepth));
        }
        catch (InvalidOperationException)
        {
            return (null, InvalidString);
        }
        catch (ArgumentException)
        {
            return (null, InvalidUtf8);
        }

        return root is JsonObject obj ? (obj, null) : (null, RequestError.Invalid("request body must be a JSON object", code: "invalid_json"));
    }

    // JsonNode defers unescaping; walk once so a lone surrogate is a 400 here rather than an exception later.
    private static void ValidateEscapes(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        Span<char> scratch = stackalloc char[256];
        while (reader.Read())
        {
            if ((reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName) && reader.ValueIsEscaped)
            {
                var len = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (len <= scratch.Length)
                {
                    reader.CopyString(scratch);
                }
                else
                {
                    _ = reader.GetString();
                }
            }
        }
    }

    // RequestParser's checks, in the order the tree-based validation made them, over what the pass gathered.
    private static (ParsedRequest?, RequestError?) Check(RequestBodyReader b, string endpoint)
    {
        if (IsAbsent(b.Model))
        {
            return Fail("you must provide a model parameter", "model", "missing_required_parameter");
        }

        if (b.Model != JsonTokenType.String || b.ModelText is not { Length: > 0 and <= 256 } model)
        {
            return Fail("model must be a non-empty string of at most 256 characters", "model");
        }

        var stream = false;
        if (!IsAbsent(b.Stream))
        {
            if (b.Stream is not (JsonTokenType.True or JsonTokenType.False))
            {
                return Fail("stream must be a boolean", "stream", "invalid_type");
            }

            stream = b.Stream == JsonTokenType.True;
        }

        if (stream && endpoint == RequestFeatures.Embeddings)
        {
            return Fail("embeddings do not stream", "stream");
        }

        var wantsUsage = false;
        if (!IsAbsent(b.StreamOptions))
        {
            if (b.StreamOptions != JsonTokenType.StartObject)
            {
                return Fail("stream_options must be an object", "stream_options", "invalid_type");
            }

            if (!IsAbsent(b.IncludeUsage))
            {
                if (b.IncludeUsage is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return Fail("stream_options.include_usage must be a boolean", "stream_options.include_usage", "invalid_type");
                }

                wantsUsage = b.IncludeUsage == JsonTokenType.True;
            }
        }

        int? maxTokens = null;
        foreach (var (name, field) in (ReadOnlySpan<(string, RequestBodyReader.IntField)>)[("max_tokens", b.MaxTokens), ("max_completion_tokens", b.MaxCompletionTokens)])
        {
            if (!IsAbsent(field.Kind))
            {
                if (!field.Parsed || field.Value < 1 || field.Value > 1_000_000)
                {
                    return Fail($"{name} must be an integer between 1 and 1000000", name);
                }

                maxTokens = field.Value;
            }
        }

        if (!CheckNumber(b.Temperature, "temperature", 0, 2, out var err) || !CheckNumber(b.TopP, "top_p", 0, 1, out err)
            || !CheckNumber(b.PresencePenalty, "presence_penalty", -2, 2, out err) || !CheckNumber(b.FrequencyPenalty, "frequency_penalty", -2, 2, out err)
            || !CheckNumber(b.N, "n", 1, 128, out err, integer: true))
        {
            return (null, err);
        }

        long textLength = 0;
        bool hasTools = false, hasImages = false;
        switch (endpoint)
        {
            case RequestFeatures.Chat:
                if (CheckChat(b) is { } chat)
                {
                    return (null, chat);
                }

                textLength = b.ChatTextLength;
                hasTools = b.MessageToolFields || b.ToolCount > 0;
                hasImages = b.ChatImages;
                break;
            case RequestFeatures.Completions:
                if (IsAbsent(b.Prompt))
                {
                    return Fail("you must provide a prompt parameter", "prompt", "missing_required_parameter");
                }

                if (b.Prompt != JsonTokenType.String && (b.Prompt != JsonTokenType.StartArray || b.PromptCount == 0 || !b.PromptItemsValid))
                {
                    return Fail("prompt must be a string or a non-empty array", "prompt", "invalid_type");
                }

                textLength = b.PromptLength;
                break;
            case RequestFeatures.Embeddings:
                if (IsAbsent(b.Input))
                {
                    return Fail("you must provide an input parameter", "input", "missing_required_parameter");
                }

                if (b.Input != JsonTokenType.String && (b.Input != JsonTokenType.StartArray || b.InputCount is 0 or > 2048))
                {
                    return Fail("input must be a string or an array of 1 to 2048 items", "input", "invalid_type");
                }

                if (!b.InputItemsValid)
                {
                    return Fail("input items must be strings or token arrays", "input", "invalid_type");
                }

                textLength = b.InputLength;
                break;
        }

        return (new ParsedRequest
        {
            Model = model,
            Stream = stream,
            ClientWantsUsage = wantsUsage,
            MaxTokens = maxTokens,
            PromptTokenEstimate = Math.Max(1, textLength / 4),
            Features = new RequestFeatures(endpoint, hasTools, hasImages),
            Text = b.Text,
            HasStreamOptions = b.HasStreamOptions,
            PrefixTurns = b.PrefixTurns,
            PromptText = b.PromptText,
            PrefixRead = true,
        }, null);
    }

    private static RequestError? CheckChat(RequestBodyReader b)
    {
        if (IsAbsent(b.Messages))
        {
            return RequestError.Invalid("you must provide a messages parameter", "messages", "missing_required_parameter");
        }

        if (b.Messages != JsonTokenType.StartArray || b.MessageCount == 0)
        {
            return RequestError.Invalid("messages must be a non-empty array", "messages", "invalid_type");
        }

        if (b.MessageError is { } message)
        {
            return message;
        }

        if (!IsAbsent(b.Tools) && (b.Tools != JsonTokenType.StartArray || !b.ToolsAllObjects))
        {
            return RequestError.Invalid("tools must be an array of objects", "tools", "invalid_type");
        }

        if (!IsAbsent(b.ToolChoice) && b.ToolChoice is not (JsonTokenType.String or JsonTokenType.StartObject))
        {
            return RequestError.Invalid("tool_choice must be a string or an object", "tool_choice", "invalid_type");
        }

        return null;
    }

    // A field that is missing or null counts as not given, as the tree's TryGetPropertyValue with a null node did.
    private static bool IsAbsent(JsonTokenType kind) => kind is JsonTokenType.None or JsonTokenType.Null;

    private static bool CheckNumber(RequestBodyReader.NumberField field, string name, double min, double max, out RequestError? error, bool integer = false)
    {
        error = null;
        if (IsAbsent(field.Kind))
        {
            return true;
        }

        var v = field.Value;
        if (!field.Parsed || v < min || v > max || (integer && v != Math.Floor(v)))
        {
            error = RequestError.Invalid(FormattableString.Invariant($"{name} must be {(integer ? "an integer" : "a number")} between {min} and {max}"), name);
            return false;
        }

        return true;
    }

    private static (ParsedRequest?, RequestError?) Fail(string message, string param, string code = "invalid_value") => (null, RequestError.Invalid(message, param, code));
}
