using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>OpenAI's error body, <c>{"error":{"message","type","param","code"}}</c>, for the dialects that keep it.</summary>
internal static class OpenAIErrorBody
{
    public static byte[] Build(string type, string? code, string message, string? param) => SseFrames.Json(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["param"] = param,
            ["code"] = code,
        },
    });
}
