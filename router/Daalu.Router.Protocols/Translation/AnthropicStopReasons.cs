namespace Daalu.Router.Translation;

/// <summary>Anthropic <c>stop_reason</c> to OpenAI <c>finish_reason</c>, shared by the whole-message and stream translators.</summary>
internal static class AnthropicStopReasons
{
    public static string ToFinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        // end_turn, stop_sequence, pause_turn and a missing value all mean the model stopped on its own.
        _ => "stop",
    };
}
