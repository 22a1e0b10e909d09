using System.Text.Json.Serialization;

namespace Daalu.Gateway.Metering;

/// <summary>
/// Source-generated JSON for outbox payloads: no reflection on the request path. Property names stay as declared
/// (PascalCase): payloads written by earlier versions (segments left on disk, rows of a legacy SQLite outbox) must
/// still read back.
/// </summary>
[JsonSerializable(typeof(PricedCall))]
internal sealed partial class MeteringJsonContext : JsonSerializerContext;
