using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Daalu.Engine.Simulator.Server;

/// <summary>Errors in newer vLLM's shape: {"error":{"message","type","param","code"}} (see /work/shared/VLLM.md, "Errors").</summary>
internal static class WireErrors
{
    public static IResult Error(int status, string type, string message, string? param = null) => Results.Json(
        new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = status },
        },
        SimulatorJsonContext.Default.JsonNode,
        statusCode: status);

    /// <summary>vLLM's answer to an unknown model (serving_engine.py _check_model).</summary>
    public static IResult ModelNotFound(string model) => Error(404, "NotFoundError", $"The model `{model}` does not exist.", "model");

    /// <summary>vLLM's answer to an endpoint the model's task does not serve (e.g. embeddings on a generate model, vLLM issue #11577).</summary>
    public static IResult Unsupported(string api) => Error(400, "BadRequestError", $"The model does not support {api} API");

    public static IResult BadRequest(string message) => Error(400, "BadRequestError", message);
}
