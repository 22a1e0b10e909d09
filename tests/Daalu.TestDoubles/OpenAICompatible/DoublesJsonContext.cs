using System.Text.Json.Serialization;

namespace Daalu.TestDoubles.OpenAICompatible;

internal sealed record ErrorBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] int Code);

internal sealed record ErrorEnvelope([property: JsonPropertyName("error")] ErrorBody Error);

internal sealed record FlatError(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("code")] int Code);

internal sealed record ModelPermission(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("allow_create_engine")] bool AllowCreateEngine,
    [property: JsonPropertyName("allow_sampling")] bool AllowSampling,
    [property: JsonPropertyName("allow_logprobs")] bool AllowLogprobs,
    [property: JsonPropertyName("allow_search_indices")] bool AllowSearchIndices,
    [property: JsonPropertyName("allow_view")] bool AllowView,
    [property: JsonPropertyName("allow_fine_tuning")] bool AllowFineTuning,
    [property: JsonPropertyName("organization")] string Organization,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("is_blocking")] bool IsBlocking);

internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("root")] string Root,
    [property: JsonPropertyName("parent")] string? Parent,
    [property: JsonPropertyName("max_model_len")] int? MaxModelLen,
    [property: JsonPropertyName("permission")] ModelPermission[] Permission);

internal sealed record ModelList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] ModelEntry[] Data);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(FlatError))]
[JsonSerializable(typeof(ModelList))]
internal sealed partial class DoublesJsonContext : JsonSerializerContext;
