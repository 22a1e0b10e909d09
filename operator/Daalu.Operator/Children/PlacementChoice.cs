using Daalu.Api.V1Alpha1;

namespace Daalu.Operator.Children;

/// <summary>The answer of <see cref="PlacementPolicy.Choose"/>: a GpuNode, or why there is none.</summary>
/// <param name="GpuNode">The chosen GpuNode, or null.</param>
/// <param name="Reason">The condition reason when none was chosen.</param>
/// <param name="Message">The condition message when none was chosen.</param>
public sealed record PlacementChoice(GpuNode? GpuNode, string? Reason, string? Message)
{
    /// <summary>No GpuNode, for <paramref name="reason"/>.</summary>
    public static PlacementChoice None(string reason, string message) => new(null, reason, message);
}
