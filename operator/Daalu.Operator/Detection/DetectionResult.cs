using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Detection;

/// <summary>What a poll of /v1/models found.</summary>
/// <param name="Reachable">True when the server answered with a model list.</param>
/// <param name="Models">The listed models, sorted by id (empty when unreachable).</param>
/// <param name="Error">Why the poll failed (no secrets, no response bodies), or null.</param>
public sealed record DetectionResult(bool Reachable, IReadOnlyList<ServedModel> Models, string? Error)
{
    /// <summary>A failed poll.</summary>
    public static DetectionResult Failed(string error) => new(false, [], error);
}
