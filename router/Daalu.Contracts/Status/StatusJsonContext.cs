using System.Text.Json.Serialization;

namespace Daalu.Contracts.Status;

/// <summary>Source-generated JSON for the status documents, the same on the writing and the reading side.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LoadedConfigDocument))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
