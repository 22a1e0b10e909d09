using Daalu.Contracts;

namespace Daalu.Router.Observability;

/// <summary>
/// OpenTelemetry GenAI semantic conventions (open-telemetry/semantic-conventions, docs/gen-ai, v1.36.0: the version
/// the conventions' transition plan asks instrumentations to keep emitting by default): the names the router uses,
/// and the pure mappings from its own vocabulary to theirs. No attribute ever carries prompt or completion text.
/// </summary>
public static class GenAiConventions
{
    /// <summary>Histogram of input and output tokens per call, unit {token}.</summary>
    public const string TokenUsage = "gen_ai.client.token.usage";

    /// <summary>Histogram of whole-request duration, unit s.</summary>
    public const string ServerRequestDuration = "gen_ai.server.request.duration";

    /// <summary>Histogram of time to first token, unit s.</summary>
    public const string ServerTimeToFirstToken = "gen_ai.server.time_to_first_token";

    /// <summary>Attribute: chat, text_completion or embeddings.</summary>
    public const string OperationName = "gen_ai.operation.name";

    /// <summary>Attribute (v1.36.0 and earlier): the GenAI system.</summary>
    public const string System = "gen_ai.system";

    /// <summary>Attribute (its successor in later versions), emitted on spans too so newer backends understand it.</summary>
    public const string ProviderName = "gen_ai.provider.name";

    /// <summary>Attribute: the model the client asked for (a model name or one of the router's aliases).</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary>Attribute: the model that answered.</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary>Attribute on the token histogram: input or output.</summary>
    public const string TokenType = "gen_ai.token.type";

    /// <summary>Span attribute: input tokens of the call.</summary>
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";

    /// <summary>Span attribute: output tokens of the call.</summary>
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";

    /// <summary>The conventions' advised bucket boundaries for the token histogram.</summary>
    public static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>The conventions' advised bucket boundaries for gen_ai.server.request.duration (s).</summary>
    public static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    /// <summary>The conventions' advised bucket boundaries for gen_ai.server.time_to_first_token (s).</summary>
    public static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];

    /// <summary>The well-known operation name for a router endpoint path.</summary>
    public static string Operation(string path) => path switch
    {
        "/v1/completions" => "text_completion",
        "/v1/embeddings" => "embeddings",
        _ => "chat",
    };

    /// <summary>
    /// The GenAI system that served a call: the external provider's API (openai, anthropic) on the External tier; on
    /// the own-GPU and hosted tiers the engine the operator deploys, vLLM ("vllm", a custom value: the conventions'
    /// well-known list names hosted APIs only).
    /// </summary>
    public static string SystemOf(string tier, string? providerApiStyle) =>
        tier == Daalu.Contracts.TierNames.External && !string.IsNullOrEmpty(providerApiStyle) ? providerApiStyle : "vllm";
}
