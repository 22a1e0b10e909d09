using System.Text.Json.Nodes;

namespace Daalu.TestDoubles.Anthropic;

/// <summary>A scripted answer of the Anthropic double: content blocks in Anthropic's own JSON, a stop reason, usage, or a fault.</summary>
public sealed class AnthropicReply
{
    /// <summary>Anthropic content blocks (<c>{"type":"text",...}</c>, <c>{"type":"tool_use",...}</c>).</summary>
    public IReadOnlyList<JsonObject> Content { get; init; } = [];

    public string StopReason { get; init; } = "end_turn";

    /// <summary>Reported input tokens; null = estimated from the request (about 4 characters per token).</summary>
    public int? InputTokens { get; init; }

    /// <summary>Reported output tokens; null = estimated from the content.</summary>
    public int? OutputTokens { get; init; }

    /// <summary>Reported <c>cache_read_input_tokens</c> (prompt caching).</summary>
    public int CacheReadInputTokens { get; init; }

    public AnthropicFault Fault { get; init; }

    /// <summary>Characters per <c>text_delta</c> / <c>input_json_delta</c> when streaming.</summary>
    public int StreamChunkChars { get; init; } = 5;

    /// <summary>For <see cref="AnthropicFault.DropMidStream"/> and <see cref="AnthropicFault.StreamErrorEvent"/>: events sent before the fault.</summary>
    public int EventsBeforeFault { get; init; } = 4;

    /// <summary>Wait before answering (before headers), to test first-byte timeouts.</summary>
    public TimeSpan Delay { get; init; }

    public static AnthropicReply Text(string text, string stopReason = "end_turn") => new()
    {
        Content = [new JsonObject { ["type"] = "text", ["text"] = text }],
        StopReason = stopReason,
    };

    /// <summary>A tool call, optionally preceded by text, with stop reason <c>tool_use</c>.</summary>
    public static AnthropicReply ToolUse(string name, string inputJson, string? id = null, string? leadingText = null)
    {
        var blocks = new List<JsonObject>();
        if (leadingText is not null)
        {
            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = leadingText });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = id ?? AnthropicIds.New("toolu_"),
            ["name"] = name,
            ["input"] = JsonNode.Parse(inputJson)!.AsObject(),
        });
        return new AnthropicReply { Content = blocks, StopReason = "tool_use" };
    }

    public static AnthropicReply Failure(AnthropicFault fault) => new()
    {
        Content = [new JsonObject { ["type"] = "text", ["text"] = "This answer is cut off by a fault." }],
        Fault = fault,
    };
}
