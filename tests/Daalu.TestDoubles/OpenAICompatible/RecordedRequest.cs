namespace Daalu.TestDoubles.OpenAICompatible;

/// <summary>One request a double received, with what it reported back (for the "nothing lost" invariants I1-I4).</summary>
/// <param name="RequestId">X-Request-Id header (empty when absent).</param>
/// <param name="Path">Request path.</param>
/// <param name="Headers">Request headers (lower-case names).</param>
/// <param name="Body">Request body as text.</param>
/// <param name="Model">The body's model field.</param>
/// <param name="Stream">The body's stream field.</param>
/// <param name="ReportedPromptTokens">prompt_tokens the double reported (0 when it failed or reported no usage).</param>
/// <param name="ReportedCompletionTokens">completion_tokens the double reported (0 when it failed or reported no usage).</param>
/// <param name="Completed">The double finished its answer (not cut by a fault or a client cancel).</param>
/// <param name="Cancelled">The caller went away before the answer finished.</param>
public sealed record RecordedRequest(
    string RequestId,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    string? Model,
    bool Stream,
    long ReportedPromptTokens,
    long ReportedCompletionTokens,
    bool Completed,
    bool Cancelled);
