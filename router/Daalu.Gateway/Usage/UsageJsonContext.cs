using System.Text.Json;
using System.Text.Json.Serialization;
using Daalu.Contracts.Usage;

namespace Daalu.Gateway.Usage;

/// <summary>
/// Source-generated JSON for GET /v1/usage: web defaults (camelCase, nulls written), what <c>Results.Json</c> wrote by
/// reflection before and what the operator's usage client reads; no reflection, so the router compiles under NativeAOT.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(UsageErrorBody))]
internal sealed partial class UsageJsonContext : JsonSerializerContext;
