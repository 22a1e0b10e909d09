using System.Buffers;
using System.Text;
using System.Text.Json;
using Daalu.Router.Classification;
using Daalu.Router.LoadBalancing;

namespace Daalu.Router.Api;

/// <summary>
/// One forward-only <see cref="Utf8JsonReader"/> pass over a request body that gathers what <see cref="RequestParser"/>
/// checks and what routing reads, without a JSON object tree: the syntax (with the depth limit), lone surrogates in
/// escaped strings, repeated property names at any depth, each checked field's kind and value, the prompt-size count,
/// and every text classification reads (the rules of <see cref="RequestTextReader"/>, which reads the same texts from a
/// <c>JsonObject</c>; a property test pins the two to the same segments). The checks are applied afterwards, in
/// <see cref="RequestParser"/>'s order, so the first refusal is the one the tree-based validation gave.
/// Fields may come in any order in the body, so what depends on a sibling (a message's role, a part's type) is kept
/// until its object ends.
/// </summary>
internal sealed class RequestBodyReader
{
    // Repeated names are found by a linear scan up to this many names in one object, by a hash set above it.
    private const int LinearNames = 16;

    // RequestTextReader reads the strings of an Anthropic tool_use input to this depth.
    private const int ToolInputDepth = 16;

    private readonly byte[] body;
    private readonly List<ReadOnlyMemory<byte>> names = [];

    private RequestBodyReader(byte[] body) => this.body = body;

    /// <summary>The root is a JSON object.</summary>
    public bool RootIsObject { get; private set; }

    /// <summary>Some object repeats a property name.</summary>
    public bool RepeatsName { get; private set; }

    /// <summary>Properties of the root object.</summary>
    public int PropertyCount { get; private set; }

    /// <summary>The root object has a stream_options property (null included).</summary>
    public bool HasStreamOptions => StreamOptions != JsonTokenType.None;

    public JsonTokenType Model { get; private set; }

    public string? ModelText { get; private set; }

    public JsonTokenType Stream { get; private set; }

    public JsonTokenType StreamOptions { get; private set; }

    public JsonTokenType IncludeUsage { get; private set; }

    public IntField MaxTokens { get; private set; }

    public IntField MaxCompletionTokens { get; private set; }

    public NumberField Temperature { get; private set; }

    public NumberField TopP { get; private set; }

    public NumberField PresencePenalty { get; private set; }

    public NumberField FrequencyPenalty { get; private set; }

    public NumberField N { get; private set; }

    public JsonTokenType Messages { get; private set; }

    public int MessageCount { get; private set; }

    /// <summary>The first message a chat request would be refused for (RequestParser's checks of one message).</summary>
    public RequestError? MessageError { get; private set; }

    /// <summary>UTF-16 length of the chat texts RequestParser counts (string contents and text parts).</summary>
    public long ChatTextLength { get; private set; }

    /// <summary>A message has tool_calls or tool_call_id.</summary>
    public bool MessageToolFields { get; private set; }

    /// <summary>A message content part is an image (image_url or input_image).</summary>
    public bool ChatImages { get; private set; }

    public JsonTokenType Tools { get; private set; }

    public int ToolCount { get; private set; }

    public bool ToolsAllObjects { get; private set; } = true;

    public JsonTokenType ToolChoice { get; private set; }

    public JsonTokenType Prompt { get; private set; }

    public int PromptCount { get; private set; }

    /// <summary>Every prompt item is a string, a number or an array.</summary>
    public bool PromptItemsValid { get; private set; } = true;

    /// <summary>The prompt's length: a string's, or the array's strings' plus 4 per token item.</summary>
    public long PromptLength { get; private set; }

    public JsonTokenType Input { get; private set; }

    public int InputCount { get; private set; }

    /// <summary>Every input item is a string, a number or an array.</summary>
    public bool InputItemsValid { get; private set; } = true;

    public long InputLength { get; private set; }

    /// <summary>The messages as the prefix key reads them (<see cref="PrefixHasher"/>); null when messages is not an array.</summary>
    public List<PrefixTurn>? PrefixTurns { get; private set; }

    /// <summary>The prompt when it is a string.</summary>
    public string? PromptText { get; private set; }

    /// <summary>The request's texts as <see cref="RequestTextReader"/> reads them.</summary>
    public RequestText Text { get; private set; } = RequestText.Empty;

    private readonly List<TextSegment> systemTexts = [];
    private readonly List<TextSegment> instructionTexts = [];
    private readonly List<TextSegment> messageTexts = [];
    private readonly List<TextSegment> promptTexts = [];
    private readonly List<TextSegment> inputTexts = [];
    private bool textImages;
    private bool textTools;

    /// <summary>
    /// Reads <paramref name="body"/> (valid UTF-8). Throws <see cref="JsonException"/> for a syntax or depth error and
    /// <see cref="InvalidOperationException"/> for an escaped string that is not valid UTF-16, at the first in the body.
    /// </summary>
    public static RequestBodyReader Read(byte[] body, int maxDepth)
    {
        var scan = new RequestBodyReader(body);
        var r = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        r.Read();
        if (r.TokenType == JsonTokenType.StartObject)
        {
            scan.RootIsObject = true;
            scan.Root(ref r);
        }
        else
        {
            scan.Skip(ref r);
        }

        // Anything after the root value is a syntax error the reader throws on.
        r.Read();
        scan.Finish();
        return scan;
    }

    private void Finish()
    {
        var segments = new List<TextSegment>(systemTexts.Count + instructionTexts.Count + messageTexts.Count + promptTexts.Count + inputTexts.Count);
        segments.AddRange(systemTexts);
        segments.AddRange(instructionTexts);
        segments.AddRange(messageTexts);
        segments.AddRange(promptTexts);
        segments.AddRange(inputTexts);
        Text = new RequestText(segments, textTools, textImages);
    }

    private void Root(ref Utf8JsonReader r)
    {
        var frame = new NameFrame(names.Count);
        var functions = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            PropertyCount++;
            var name = Name(ref r, ref frame);
            r.Read();
            var kind = r.TokenType;
            switch (name)
            {
                case var n when n.SequenceEqual("model"u8):
                    Model = kind;
                    ModelText = kind == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("stream"u8):
                    Stream = kind;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("stream_options"u8):
                    StreamOptions = kind;
                    if (kind == JsonTokenType.StartObject)
                    {
                        ReadStreamOptions(ref r);
                    }
                    else
                    {
                        Skip(ref r);
                    }

                    break;
                case var n when n.SequenceEqual("max_tokens"u8):
                    MaxTokens = IntField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("max_completion_tokens"u8):
                    MaxCompletionTokens = IntField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("temperature"u8):
                    Temperature = NumberField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("top_p"u8):
                    TopP = NumberField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("presence_penalty"u8):
                    PresencePenalty = NumberField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("frequency_penalty"u8):
                    FrequencyPenalty = NumberField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("n"u8):
                    N = NumberField.Of(ref r);
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("messages"u8):
                    Messages = kind;
                    if (kind == JsonTokenType.StartArray)
                    {
                        ReadMessages(ref r);
                    }
                    else
                    {
                        Skip(ref r);
                    }

                    break;
                case var n when n.SequenceEqual("tools"u8):
                    Tools = kind;
                    if (kind == JsonTokenType.StartArray)
                    {
                        ReadTools(ref r);
                        textTools |= ToolCount > 0;
                    }
                    else
                    {
                        Skip(ref r);
                    }

                    break;
                case var n when n.SequenceEqual("functions"u8):
                    functions = kind == JsonTokenType.StartArray && CountItems(ref r) > 0;
                    if (kind != JsonTokenType.StartArray)
                    {
                        Skip(ref r);
                    }

                    break;
                case var n when n.SequenceEqual("tool_choice"u8):
                    ToolChoice = kind;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("prompt"u8):
                    Prompt = kind;
                    ReadPrompt(ref r);
                    break;
                case var n when n.SequenceEqual("input"u8):
                    Input = kind;
                    ReadInput(ref r);
                    break;
                case var n when n.SequenceEqual("system"u8):
                    StringOrParts(ref r, "system", -1, systemTexts, ref textImages);
                    break;
                case var n when n.SequenceEqual("instructions"u8):
                    StringOrParts(ref r, "system", -1, instructionTexts, ref textImages);
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }

        textTools |= functions;
        names.RemoveRange(frame.Start, names.Count - frame.Start);
    }

    private void ReadStreamOptions(ref Utf8JsonReader r)
    {
        var frame = new NameFrame(names.Count);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = Name(ref r, ref frame);
            r.Read();
            if (name.SequenceEqual("include_usage"u8))
            {
                IncludeUsage = r.TokenType;
            }

            Skip(ref r);
        }

        names.RemoveRange(frame.Start, names.Count - frame.Start);
    }

    private void ReadMessages(ref Utf8JsonReader r)
    {
        PrefixTurns = [];
        var i = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.StartObject)
            {
                var error = Message(ref r, i, messageTexts, validate: true);
                if (MessageError is null && error is not null)
                {
                    MessageError = error;
                }
            }
            else
            {
                if (MessageError is null)
                {
                    MessageError = RequestError.Invalid($"{At(i)} must be an object", At(i), "invalid_type");
                }

                Skip(ref r);
            }

            i++;
        }

        MessageCount = i;
    }

    // A chat message (or a Responses input item): RequestParser's checks of it when validating, and its texts in
    // RequestTextReader.AddMessage's order (content, output, arguments, tool_calls, function_call) whatever the body's.
    private RequestError? Message(ref Utf8JsonReader r, int index, List<TextSegment> target, bool validate)
    {
        var frame = new NameFrame(names.Count);
        string? role = null, type = null;
        var hasRole = false;
        RequestError? contentError = null;
        List<Pending>? content = null;
        string? output = null, arguments = null, legacy = null;
        List<string>? calls = null;
        List<string>? prefix = validate ? [] : null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = Name(ref r, ref frame);
            r.Read();
            var kind = r.TokenType;
            switch (name)
            {
                case var n when n.SequenceEqual("role"u8):
                    hasRole = true;
                    role = kind == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("type"u8):
                    type = kind == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("content"u8):
                    content = [];
                    contentError = Content(ref r, index, content, validate, prefix);
                    break;
                case var n when n.SequenceEqual("output"u8):
                    output = kind == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("arguments"u8):
                    arguments = kind == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("tool_calls"u8):
                    MessageToolFields |= validate;
                    if (kind == JsonTokenType.StartArray)
                    {
                        calls = [];
                        ToolCalls(ref r, calls);
                    }
                    else
                    {
                        Skip(ref r);
                    }

                    break;
                case var n when n.SequenceEqual("tool_call_id"u8):
                    MessageToolFields |= validate;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("function_call"u8):
                    legacy = kind == JsonTokenType.StartObject ? Arguments(ref r) : null;
                    if (kind != JsonTokenType.StartObject)
                    {
                        Skip(ref r);
                    }

                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }

        names.RemoveRange(frame.Start, names.Count - frame.Start);
        var segmentRole = RequestTextReader.RoleOf(role ?? type);
        if (content is not null)
        {
            foreach (var p in content)
            {
                target.Add(new TextSegment(p.Role ?? segmentRole, index, p.Text));
            }
        }

        if (output is not null)
        {
            target.Add(new TextSegment("tool", index, output));
        }

        if (arguments is not null)
        {
            target.Add(new TextSegment("tool_call", index, arguments));
        }

        if (calls is not null)
        {
            foreach (var c in calls)
            {
                target.Add(new TextSegment("tool_call", index, c));
            }
        }

        if (legacy is not null)
        {
            target.Add(new TextSegment("tool_call", index, legacy));
        }

        if (!validate)
        {
            return null;
        }

        PrefixTurns!.Add(new PrefixTurn(role ?? string.Empty, prefix!));
        if (!hasRole || role is null || Array.IndexOf(RequestParser.Roles, role) < 0)
        {
            return RequestError.Invalid($"{At(index)}.role must be one of {string.Join(", ", RequestParser.Roles)}", At(index) + ".role");
        }

        return contentError;
    }

    // A message's content: a string, an array of parts, or null; anything else is refused when validating. Texts go to
    // target with the message's role still open (Pending.Role null), tool results' with theirs.
    // The prefix key's texts (a chat message's only) go to prefix: the string, or every part object's string text.
    private RequestError? Content(ref Utf8JsonReader r, int index, List<Pending> target, bool validate, List<string>? prefix)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                var text = r.GetString()!;
                if (validate)
                {
                    ChatTextLength += text.Length;
                }

                target.Add(new Pending(null, text));
                prefix?.Add(text);
                return null;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                RequestError? first = null;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    RequestError? error;
                    if (r.TokenType == JsonTokenType.StartObject)
                    {
                        error = Part(ref r, null, index, target, ref textImages, validate, prefix);
                    }
                    else
                    {
                        if (r.TokenType == JsonTokenType.String)
                        {
                            target.Add(new Pending(null, r.GetString()!));
                        }
                        else
                        {
                            Skip(ref r);
                        }

                        error = validate ? PartsError(index) : null;
                    }

                    first ??= error;
                }

                return first;
            default:
                Skip(ref r);
                return validate ? RequestError.Invalid($"{At(index)}.content must be a string, an array of parts or null", At(index) + ".content", "invalid_type") : null;
        }
    }

    // One content part: RequestParser's checks (chat messages only) and RequestTextReader.AddPart's texts. A part's type
    // may come after its text, content (tool_result) or input (tool_use), so those are kept until the part ends.
    private RequestError? Part(ref Utf8JsonReader r, string? role, int index, List<Pending> target, ref bool images, bool validate, List<string>? prefix = null)
    {
        var frame = new NameFrame(names.Count);
        var typeKind = JsonTokenType.None;
        string? type = null, text = null;
        List<Pending>? result = null;
        var resultImages = false;
        List<string>? input = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = Name(ref r, ref frame);
            r.Read();
            switch (name)
            {
                case var n when n.SequenceEqual("type"u8):
                    typeKind = r.TokenType;
                    type = typeKind == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("text"u8):
                    text = r.TokenType == JsonTokenType.String ? r.GetString() : null;
                    Skip(ref r);
                    break;
                case var n when n.SequenceEqual("content"u8):
                    // Read as a tool_result's content in case the type says so.
                    result = [];
                    StringOrParts(ref r, "tool", index, result, ref resultImages);
                    break;
                case var n when n.SequenceEqual("input"u8):
                    input = [];
                    Strings(ref r, 0, input);
                    break;
                default:
                    Skip(ref r);
                    break;
            }
        }

        names.RemoveRange(frame.Start, names.Count - frame.Start);
        if (text is not null)
        {
            prefix?.Add(text);
        }

        switch (type)
        {
            case "text" or "input_text" or "output_text" or null:
                if (text is not null)
                {
                    target.Add(new Pending(role, text));
                }

                break;
            case "tool_result":
                if (result is not null)
                {
                    target.AddRange(result);
                }

                images |= resultImages;
                break;
            case "tool_use":
                if (input is not null)
                {
                    foreach (var s in input)
                    {
                        target.Add(new Pending("tool_call", s));
                    }
                }

                break;
            case "image_url" or "image" or "input_image":
                images = true;
                break;
        }

        if (!validate)
        {
            return null;
        }

        if (typeKind != JsonTokenType.String)
        {
            return PartsError(index);
        }

        switch (type)
        {
            case "text":
                if (text is null)
                {
                    return RequestError.Invalid($"{At(index)}.content text part needs a string text", At(index) + ".content", "invalid_type");
                }

                ChatTextLength += text.Length;
                return null;
            case "image_url" or "input_image":
                ChatImages = true;
                return null;
            case "input_audio" or "file" or "refusal":
                return null;
            default:
                return RequestError.Invalid($"{At(index)}.content has an unknown part type", At(index) + ".content");
        }
    }

    // RequestTextReader.AddStringOrParts: a string, or an array of parts and strings (no checks).
    private void StringOrParts(ref Utf8JsonReader r, string role, int index, List<TextSegment> target, ref bool images)
    {
        List<Pending> pending = [];
        StringOrParts(ref r, role, index, pending, ref images);
        foreach (var p in pending)
        {
            target.Add(new TextSegment(p.Role!, index, p.Text));
        }
    }

    private void StringOrParts(ref Utf8JsonReader r, string role, int index, List<Pending> target, ref bool images)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                target.Add(new Pending(role, r.GetString()!));
                break;
            case JsonTokenType.StartArray:
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (r.TokenType == JsonTokenType.StartObject)
                    {
                        Part(ref r, role, index, target, ref images, validate: false);
                    }
                    else if (r.TokenType == JsonTokenType.String)
                    {
                        target.Add(new Pending(role, r.GetString()!));
                    }
                    else
                    {
                        Skip(ref r);
                    }
                }

                break;
            default:
                Skip(ref r);
                break;
        }
    }

    // RequestTextReader.AddStrings: every string of a tool_use input to its depth limit, in the body's order.
    private void Strings(ref Utf8JsonReader r, int depth, List<string> target)
    {
        if (depth > ToolInputDepth)
        {
            Skip(ref r);
            return;
        }

        switch (r.TokenType)
        {
            case JsonTokenType.String:
                target.Add(r.GetString()!);
                break;
            case JsonTokenType.StartObject:
                var frame = new NameFrame(names.Count);
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    Name(ref r, ref frame);
                    r.Read();
                    Strings(ref r, depth + 1, target);
                }

                names.RemoveRange(frame.Start, names.Count - frame.Start);
                break;
            case JsonTokenType.StartArray:
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    Strings(ref r, depth + 1, target);
                }

                break;
        }
    }

    // tool_calls[].function.arguments strings; other items are skipped.
    private void ToolCalls(ref Utf8JsonReader r, List<string> target)
    {
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartObject)
            {
                Skip(ref r);
                continue;
            }

            var frame = new NameFrame(names.Count);
            string? arguments = null;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var name = Name(ref r, ref frame);
                r.Read();
                if (name.SequenceEqual("function"u8) && r.TokenType == JsonTokenType.StartObject)
                {
                    arguments = Arguments(ref r);
                }
                else
                {
                    Skip(ref r);
                }
            }

            names.RemoveRange(frame.Start, names.Count - frame.Start);
            if (arguments is not null)
            {
                target.Add(arguments);
            }
        }
    }

    // An object's "arguments" string, or null.
    private string? Arguments(ref Utf8JsonReader r)
    {
        var frame = new NameFrame(names.Count);
        string? arguments = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = Name(ref r, ref frame);
            r.Read();
            if (name.SequenceEqual("arguments"u8) && r.TokenType == JsonTokenType.String)
            {
                arguments = r.GetString();
            }
            else
            {
                Skip(ref r);
            }
        }

        names.RemoveRange(frame.Start, names.Count - frame.Start);
        return arguments;
    }

    private void ReadTools(ref Utf8JsonReader r)
    {
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            ToolsAllObjects &= r.TokenType == JsonTokenType.StartObject;
            ToolCount++;
            Skip(ref r);
        }
    }

    private int CountItems(ref Utf8JsonReader r)
    {
        var count = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            count++;
            Skip(ref r);
        }

        return count;
    }

    private void ReadPrompt(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                var text = r.GetString()!;
                PromptLength = text.Length;
                PromptText = text;
                promptTexts.Add(new TextSegment("prompt", 0, text));
                break;
            case JsonTokenType.StartArray:
                var i = 0;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    switch (r.TokenType)
                    {
                        case JsonTokenType.String:
                            var item = r.GetString()!;
                            PromptLength += item.Length;
                            promptTexts.Add(new TextSegment("prompt", i, item));
                            break;
                        case JsonTokenType.Number or JsonTokenType.StartArray:
                            PromptLength += 4;
                            Skip(ref r);
                            break;
                        default:
                            PromptItemsValid = false;
                            Skip(ref r);
                            break;
                    }

                    i++;
                }

                PromptCount = i;
                break;
            default:
                Skip(ref r);
                break;
        }
    }

    private void ReadInput(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                var text = r.GetString()!;
                InputLength = text.Length;
                inputTexts.Add(new TextSegment("user", 0, text));
                break;
            case JsonTokenType.StartArray:
                var i = 0;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    switch (r.TokenType)
                    {
                        case JsonTokenType.String:
                            var item = r.GetString()!;
                            InputLength += item.Length;
                            inputTexts.Add(new TextSegment("user", i, item));
                            break;
                        case JsonTokenType.Number or JsonTokenType.StartArray:
                            Skip(ref r);
                            break;
                        case JsonTokenType.StartObject:
                            // Responses input items; not an embeddings input.
                            InputItemsValid = false;
                            Message(ref r, i, inputTexts, validate: false);
                            break;
                        default:
                            InputItemsValid = false;
                            Skip(ref r);
                            break;
                    }

                    i++;
                }

                InputCount = i;
                break;
            default:
                Skip(ref r);
                break;
        }
    }

    // Walks the value the reader is on to its last token, checking escaped strings and repeated names on the way.
    private void Skip(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String:
                CheckEscapes(ref r);
                break;
            case JsonTokenType.StartObject:
                var frame = new NameFrame(names.Count);
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    Name(ref r, ref frame);
                    r.Read();
                    Skip(ref r);
                }

                names.RemoveRange(frame.Start, names.Count - frame.Start);
                break;
            case JsonTokenType.StartArray:
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    Skip(ref r);
                }

                break;
        }
    }

    // An escaped string is unescaped once so a lone surrogate is refused here (the reader throws
    // InvalidOperationException), as the tree's parse would when the string is first read.
    private static void CheckEscapes(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped)
        {
            return;
        }

        var length = r.ValueSpan.Length;
        if (length <= 256)
        {
            Span<byte> scratch = stackalloc byte[256];
            r.CopyString(scratch);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            r.CopyString(rented);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // The current property name, unescaped, recorded in its object's frame; a repeat marks the body.
    private ReadOnlySpan<byte> Name(ref Utf8JsonReader r, ref NameFrame frame)
    {
        ReadOnlyMemory<byte> name;
        if (!r.ValueIsEscaped && body.AsSpan().Overlaps(r.ValueSpan, out var offset))
        {
            name = body.AsMemory(offset, r.ValueSpan.Length);
        }
        else
        {
            var buffer = new byte[r.ValueSpan.Length];
            name = buffer.AsMemory(0, r.CopyString(buffer));
        }

        if (frame.Large is { } set)
        {
            RepeatsName |= !set.Add(Encoding.UTF8.GetString(name.Span));
            return name.Span;
        }

        var span = name.Span;
        for (var i = frame.Start; i < names.Count; i++)
        {
            if (names[i].Span.SequenceEqual(span))
            {
                RepeatsName = true;
                return span;
            }
        }

        names.Add(name);
        if (names.Count - frame.Start > LinearNames)
        {
            frame.Large = new HashSet<string>(StringComparer.Ordinal);
            for (var i = frame.Start; i < names.Count; i++)
            {
                frame.Large.Add(Encoding.UTF8.GetString(names[i].Span));
            }
        }

        return span;
    }

    private static RequestError PartsError(int index) =>
        RequestError.Invalid($"{At(index)}.content parts must be objects with a type", At(index) + ".content", "invalid_type");

    // Only on the error paths: the name of the offending message is not built for valid requests.
    private static string At(int i) => $"messages[{i}]";

    // The names of one object: from Start in the shared list, or in a set once the object has many.
    private struct NameFrame(int start)
    {
        public readonly int Start = start;
        public HashSet<string>? Large;
    }

    // A text whose role is the enclosing message's (null) until that message's role is known.
    private readonly record struct Pending(string? Role, string Text);

    /// <summary>An integer field: the kind of its value (None when absent) and the value when it is an Int32.</summary>
    internal readonly record struct IntField(JsonTokenType Kind, bool Parsed, int Value)
    {
        public static IntField Of(ref Utf8JsonReader r) =>
            r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var v) ? new(r.TokenType, true, v) : new(r.TokenType, false, 0);
    }

    /// <summary>A number field: the kind of its value (None when absent) and the value when it reads as a double.</summary>
    internal readonly record struct NumberField(JsonTokenType Kind, bool Parsed, double Value)
    {
        public static NumberField Of(ref Utf8JsonReader r) =>
            r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var v) ? new(r.TokenType, true, v) : new(r.TokenType, false, 0);
    }
}
