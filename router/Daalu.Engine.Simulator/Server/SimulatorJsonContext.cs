using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Daalu.Engine.Simulator.Server;

/// <summary>
/// Source-generated JSON for the simulator's bodies (all built as JSON nodes): no reflection, so the engine simulator
/// that the router hosts in `demo` compiles under NativeAOT without trim warnings.
/// </summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext
{
    /// <summary>vLLM writes non-ASCII text unescaped; the simulator's completions and responses do the same.</summary>
    public static readonly SimulatorJsonContext Relaxed = new(new JsonSerializerOptions
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
