namespace Daalu.Operator.Models;

/// <summary>What reading a model's config.json gave: its figures, or why there are none.</summary>
/// <param name="Architecture">The figures, or null.</param>
/// <param name="Reason">A CamelCase reason when there are none (see <see cref="Planning.PlanReasons"/>).</param>
/// <param name="Message">What went wrong, for a condition message (never contains the token).</param>
/// <param name="Definitive">
/// True when the answer settles the matter (the Hub said 404 or 401/403: vLLM would fail to download the same files);
/// false for a passing failure (network, 5xx), after which the model is planned as unknown.
/// </param>
public sealed record ModelConfigResult(ModelArchitecture? Architecture, string? Reason, string? Message, bool Definitive)
{
    /// <summary>A successful read.</summary>
    public static ModelConfigResult Of(ModelArchitecture architecture) => new(architecture, null, null, true);

    /// <summary>A failed read.</summary>
    public static ModelConfigResult Failed(string reason, string message, bool definitive) => new(null, reason, message, definitive);
}
