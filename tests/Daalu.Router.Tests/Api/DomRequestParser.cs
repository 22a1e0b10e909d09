using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Planning;

using Daalu.Router.Api;

namespace Daalu.Router.Tests.Api;

/// <summary>
/// The request parser as it was before the body was read without a JSON tree (main at 3551454,
/// router/Daalu.Router/Api/RequestParser.cs, kept verbatim but for this comment and its name): a JsonNode parse, then
/// checks over the JsonObject. Only the property tests use it, as the reference the reader-based parser must agree with
/// on every verdict, error and extracted fact.
/// </summary>
internal static class DomRequestParser
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary>Parses <paramref name="body"/> for <paramref name="endpoint"/>; exactly one of the results is non-null.</summary>
    public static (ParsedRequest? Request, RequestError? Error) Parse(ReadOnlySpan<byte> body, string endpoint, int maxDepth)
    {
        var (obj, error) = ParseObject(body, maxDepth);
        return obj is null ? (null, error) : Validate(obj, endpoint);
    }

    /// <summary>
    /// Validates an already parsed chat, completions or embeddings body (an inbound dialect's request translated to
    /// chat); exactly one of the results is non-null.
    /// </summary>
    public static (ParsedRequest? Request, RequestError? Error) Validate(JsonObject obj, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(obj);
        try
        {
            return ValidateFields(obj, endpoint);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            return (null, RequestError.Invalid("request body has a field of the wrong type"));
        }
    }

    /// <summary>
    /// Parses a body into a JSON object with the depth limit, strict UTF-8 and no repeated property names; exactly one
    /// of the results is non-null. Every inbound API's body is read through this.
    /// </summary>
    public static (JsonObject? Body, RequestError? Error) ParseObject(ReadOnlySpan<byte> body, int maxDepth)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return (null, RequestError.Invalid("request body is not valid UTF-8", code: "invalid_json"));
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
            var msg = ex.Message.StartsWith("Duplicate property", StringComparison.Ordinal)
                ? "request body repeats a property name within one object"
                : ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"request body nests deeper than {maxDepth} levels"
                : ex.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("invalid UTF", StringComparison.OrdinalIgnoreCase)
                    ? "request body is not valid UTF-8"
                    : "request body is not valid JSON";
            return (null, RequestError.Invalid(msg, code: "invalid_json"));
        }
        catch (InvalidOperationException)
        {
            return (null, RequestError.Invalid("request body contains an invalid string (lone surrogate or invalid UTF-8)", code: "invalid_json"));
        }
        catch (ArgumentException)
        {
            return (null, RequestError.Invalid("request body is not valid UTF-8", code: "invalid_json"));
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

    private static (ParsedRequest?, RequestError?) ValidateFields(JsonObject obj, string endpoint)
    {
        if (!obj.TryGetPropertyValue("model", out var modelNode) || modelNode is null)
        {
            return Fail("you must provide a model parameter", "model", "missing_required_parameter");
        }

        if (modelNode.GetValueKind() != JsonValueKind.String || modelNode.GetValue<string>() is not { Length: > 0 and <= 256 } model)
        {
            return Fail("model must be a non-empty string of at most 256 characters", "model");
        }

        var stream = false;
        if (obj.TryGetPropertyValue("stream", out var s) && s is not null)
        {
            if (s.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Fail("stream must be a boolean", "stream", "invalid_type");
            }

            stream = s.GetValue<bool>();
        }

        if (stream && endpoint == RequestFeatures.Embeddings)
        {
            return Fail("embeddings do not stream", "stream");
        }

        var wantsUsage = false;
        if (obj.TryGetPropertyValue("stream_options", out var so) && so is not null)
        {
            if (so is not JsonObject soObj)
            {
                return Fail("stream_options must be an object", "stream_options", "invalid_type");
            }

            if (soObj.TryGetPropertyValue("include_usage", out var iu) && iu is not null)
            {
                if (iu.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return Fail("stream_options.include_usage must be a boolean", "stream_options.include_usage", "invalid_type");
                }

                wantsUsage = iu.GetValue<bool>();
            }
        }

        int? maxTokens = null;
        foreach (var name in (ReadOnlySpan<string>)["max_tokens", "max_completion_tokens"])
        {
            if (obj.TryGetPropertyValue(name, out var mt) && mt is not null)
            {
                if (mt.GetValueKind() != JsonValueKind.Number || !mt.AsValue().TryGetValue<int>(out var v) || v < 1 || v > 1_000_000)
                {
                    return Fail($"{name} must be an integer between 1 and 1000000", name);
                }

                maxTokens = v;
            }
        }

        if (!CheckNumber(obj, "temperature", 0, 2, out var err) || !CheckNumber(obj, "top_p", 0, 1, out err)
            || !CheckNumber(obj, "presence_penalty", -2, 2, out err) || !CheckNumber(obj, "frequency_penalty", -2, 2, out err)
            || !CheckNumber(obj, "n", 1, 128, out err, integer: true))
        {
            return (null, err);
        }

        long textLength = 0;
        bool hasTools = false, hasImages = false;
        switch (endpoint)
        {
            case RequestFeatures.Chat:
                var chat = ValidateChat(obj, ref textLength, ref hasTools, ref hasImages);
                if (chat is not null)
                {
                    return (null, chat);
                }

                break;
            case RequestFeatures.Completions:
                if (!obj.TryGetPropertyValue("prompt", out var prompt) || prompt is null)
                {
                    return Fail("you must provide a prompt parameter", "prompt", "missing_required_parameter");
                }

                if (prompt.GetValueKind() == JsonValueKind.String)
                {
                    textLength = JsonStringLength.Of(prompt.AsValue());
                }
                else if (prompt is JsonArray pa && pa.Count > 0 && pa.All(p => p?.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Array))
                {
                    textLength = pa.Sum(p => p?.GetValueKind() == JsonValueKind.String ? (long)JsonStringLength.Of(p.AsValue()) : 4);
                }
                else
                {
                    return Fail("prompt must be a string or a non-empty array", "prompt", "invalid_type");
                }

                break;
            case RequestFeatures.Embeddings:
                if (!obj.TryGetPropertyValue("input", out var input) || input is null)
                {
                    return Fail("you must provide an input parameter", "input", "missing_required_parameter");
                }

                if (input.GetValueKind() == JsonValueKind.String)
                {
                    textLength = JsonStringLength.Of(input.AsValue());
                }
                else if (input is JsonArray ia && ia.Count is > 0 and <= 2048)
                {
                    foreach (var i in ia)
                    {
                        if (i?.GetValueKind() == JsonValueKind.String)
                        {
                            textLength += JsonStringLength.Of(i.AsValue());
                        }
                        else if (i?.GetValueKind() is not (JsonValueKind.Number or JsonValueKind.Array))
                        {
                            return Fail("input items must be strings or token arrays", "input", "invalid_type");
                        }
                    }
                }
                else
                {
                    return Fail("input must be a string or an array of 1 to 2048 items", "input", "invalid_type");
                }

                break;
        }

        return (new ParsedRequest
        {
            Body = obj,
            Model = model,
            Stream = stream,
            ClientWantsUsage = wantsUsage,
            MaxTokens = maxTokens,
            PromptTokenEstimate = Math.Max(1, textLength / 4),
            Features = new RequestFeatures(endpoint, hasTools, hasImages),
        }, null);
    }

    private static RequestError? ValidateChat(JsonObject obj, ref long textLength, ref bool hasTools, ref bool hasImages)
    {
        if (!obj.TryGetPropertyValue("messages", out var mn) || mn is null)
        {
            return RequestError.Invalid("you must provide a messages parameter", "messages", "missing_required_parameter");
        }

        if (mn is not JsonArray messages || messages.Count == 0)
        {
            return RequestError.Invalid("messages must be a non-empty array", "messages", "invalid_type");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject m)
            {
                return RequestError.Invalid($"{At(i)} must be an object", At(i), "invalid_type");
            }

            if (!m.TryGetPropertyValue("role", out var role) || role?.GetValueKind() != JsonValueKind.String || !Roles.Contains(role.GetValue<string>()))
            {
                return RequestError.Invalid($"{At(i)}.role must be one of {string.Join(", ", Roles)}", At(i) + ".role");
            }

            if (m.ContainsKey("tool_calls") || m.ContainsKey("tool_call_id"))
            {
                hasTools = true;
            }

            if (m.TryGetPropertyValue("content", out var content) && content is not null)
            {
                switch (content.GetValueKind())
                {
                    case JsonValueKind.String:
                        textLength += JsonStringLength.Of(content.AsValue());
                        break;
                    case JsonValueKind.Array:
                        foreach (var part in content.AsArray())
                        {
                            if (part is not JsonObject p || !p.TryGetPropertyValue("type", out var type) || type?.GetValueKind() != JsonValueKind.String)
                            {
                                return RequestError.Invalid($"{At(i)}.content parts must be objects with a type", At(i) + ".content", "invalid_type");
                            }

                            switch (type.GetValue<string>())
                            {
                                case "text":
                                    if (!p.TryGetPropertyValue("text", out var t) || t?.GetValueKind() != JsonValueKind.String)
                                    {
                                        return RequestError.Invalid($"{At(i)}.content text part needs a string text", At(i) + ".content", "invalid_type");
                                    }

                                    textLength += JsonStringLength.Of(t.AsValue());
                                    break;
                                case "image_url" or "input_image":
                                    hasImages = true;
                                    break;
                                case "input_audio" or "file" or "refusal":
                                    break;
                                default:
                                    return RequestError.Invalid($"{At(i)}.content has an unknown part type", At(i) + ".content");
                            }
                        }

                        break;
                    default:
                        return RequestError.Invalid($"{At(i)}.content must be a string, an array of parts or null", At(i) + ".content", "invalid_type");
                }
            }
        }

        if (obj.TryGetPropertyValue("tools", out var tools) && tools is not null)
        {
            if (tools is not JsonArray ta || ta.Any(t => t is not JsonObject))
            {
                return RequestError.Invalid("tools must be an array of objects", "tools", "invalid_type");
            }

            hasTools |= ta.Count > 0;
        }

        if (obj.TryGetPropertyValue("tool_choice", out var tc) && tc is not null && tc.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Object))
        {
            return RequestError.Invalid("tool_choice must be a string or an object", "tool_choice", "invalid_type");
        }

        return null;

        // Only on the error paths: the name of the offending message is not built for valid requests.
        static string At(int i) => $"messages[{i}]";
    }

    private static bool CheckNumber(JsonObject obj, string name, double min, double max, out RequestError? error, bool integer = false)
    {
        error = null;
        if (!obj.TryGetPropertyValue(name, out var n) || n is null)
        {
            return true;
        }

        if (n.GetValueKind() != JsonValueKind.Number || !n.AsValue().TryGetValue<double>(out var v) || v < min || v > max || (integer && v != Math.Floor(v)))
        {
            error = RequestError.Invalid(FormattableString.Invariant($"{name} must be {(integer ? "an integer" : "a number")} between {min} and {max}"), name);
            return false;
        }

        return true;
    }

    private static (ParsedRequest?, RequestError?) Fail(string message, string param, string code = "invalid_value") => (null, RequestError.Invalid(message, param, code));
}
