using System.Text.Json.Serialization;

namespace Daalu.Contracts.RouterConfig;

/// <summary>Source-generated JSON for the compiled router configuration (no reflection in the router or the operator).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(RouterConfiguration))]
public sealed partial class RouterConfigJsonContext : JsonSerializerContext;
