using System.Text.Json.Nodes;

namespace Daalu.CrdValidation;

/// <summary>The object as the API server would store it (defaulted, pruned) and the refusal messages, if any.</summary>
/// <param name="Resource">The defaulted and pruned copy of the input.</param>
/// <param name="Errors">Field errors in the API server's wording; empty when the object is valid.</param>
public sealed record AdmissionResult(JsonNode Resource, IReadOnlyList<string> Errors)
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;
}
