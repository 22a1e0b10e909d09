using System.Text.Json.Serialization;

namespace Daalu.Gateway.Metering;

/// <summary>
/// Source-generated JSON for outbox payloads: no reflection on the request path. Property names stay as declared
/// (PascalCase), which the outbox queries' json_extract paths rely on.
/// </summary>
[JsonSerializable(typeof(PricedCall))]
internal sealed partial class MeteringJsonContext : JsonSerializerContext;
