using System.Text.Json.Nodes;

namespace Daalu.TestDoubles.Anthropic;

/// <summary>One request the Anthropic double received, with what it answered and the usage it reported.</summary>
public sealed class AnthropicRecordedRequest
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    /// <summary>Request headers, names lower-case.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The raw body as received.</summary>
    public required string RawBody { get; init; }

    /// <summary>The parsed body, or null when it was not a JSON object.</summary>
    public JsonObject? Body { get; init; }

    /// <summary>The caller's <c>X-Request-Id</c>, if any.</summary>
    public string? RequestId { get; init; }

    public int StatusCode { get; init; }

    /// <summary>Error message sent back (400/401/...), null on success.</summary>
    public string? Error { get; init; }

    public bool Streamed { get; init; }

    /// <summary>Usage the double reported to the caller (0 when it answered with an error).</summary>
    public long ReportedInputTokens { get; init; }

    public long ReportedOutputTokens { get; init; }

    /// <summary>True when the double cut the connection or sent an in-stream error (the usage may not have reached the caller).</summary>
    public bool Faulted { get; init; }
}
