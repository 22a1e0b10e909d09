using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daalu.Router.WebConsole.Json;

/// <summary>
/// Source-generated JSON for everything the console writes: the pages' JSON islands and the /console/api answers. Web
/// defaults (camelCase names, nulls written), the same as the reflection-based <c>Results.Json</c> the console used
/// before, so the page script reads the same names; no reflection, so the router compiles under NativeAOT.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FactoryModel))]
[JsonSerializable(typeof(BillingModel))]
[JsonSerializable(typeof(PageModel))]
[JsonSerializable(typeof(UsageAnswer))]
[JsonSerializable(typeof(HardwareAnswer))]
[JsonSerializable(typeof(BackendsAnswer))]
[JsonSerializable(typeof(DiagnosticsAnswer))]
[JsonSerializable(typeof(ConsoleError))]
[JsonSerializable(typeof(RateLimitedError))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
