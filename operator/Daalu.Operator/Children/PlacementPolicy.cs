using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;

namespace Daalu.Operator.Children;

/// <summary>
/// Which GpuNodes a ModelServing may run on. Ownership, from the GpuNode spec: a tenant's card serves that tenant, and
/// serves others only when the tenant shares it (spec.sharing.enabled, credited as revenue share); operator-run cards
/// (empty tenant) are the hosted pool. So a tenant's ModelServing runs on that tenant's GpuNodes or on sharing ones,
/// and a hosted-pool ModelServing (no tenant) on operator-run or sharing ones, never on a card whose tenant keeps it.
/// </summary>
public static class PlacementPolicy
{
    /// <summary>Whether a ModelServing of <paramref name="tenant"/> (null or empty: the hosted pool) may run on <paramref name="gpuNode"/>.</summary>
    public static bool MayRunOn(string? tenant, GpuNodeSpec gpuNode)
    {
        ArgumentNullException.ThrowIfNull(gpuNode);
        var owner = gpuNode.Tenant ?? string.Empty;
        var sharing = owner.Length > 0 && gpuNode.Sharing?.Enabled == true;
        return string.IsNullOrEmpty(tenant)
            ? owner.Length == 0 || sharing
            : owner == tenant || sharing;
    }

    /// <summary>
    /// Picks the GpuNode for a gpuClass ModelServing among <paramref name="readyOfClass"/> (Ready GpuNodes of the class):
    /// the one it already runs on while that stays allowed (a move restarts the model), else the allowed GpuNodes the
    /// ModelServing's owner holds first (the tenant's own, or operator-run ones for the hosted pool), then the fewest
    /// ModelServings already placed there, then by name. Null with a reason and message when none is allowed.
    /// </summary>
    /// <param name="tenant">The ModelServing's tenant; null or empty for the hosted pool.</param>
    /// <param name="gpuClass">The class asked for (for messages).</param>
    /// <param name="readyOfClass">Ready, not deleted GpuNodes of the class.</param>
    /// <param name="currentNodeName">The node the ModelServing is placed on now (status.nodeName), if any.</param>
    /// <param name="placedPerNode">How many other ModelServings are placed on each node name.</param>
    public static PlacementChoice Choose(string? tenant, string gpuClass, IReadOnlyList<GpuNode> readyOfClass, string? currentNodeName,
        IReadOnlyDictionary<string, int> placedPerNode)
    {
        ArgumentNullException.ThrowIfNull(readyOfClass);
        ArgumentNullException.ThrowIfNull(placedPerNode);
        if (readyOfClass.Count == 0)
        {
            return PlacementChoice.None(ModelServingReasons.NoReadyGpuNodeOfClass, $"No Ready GpuNode of class '{gpuClass}'.");
        }

        var allowed = readyOfClass.Where(g => g.Spec is not null && MayRunOn(tenant, g.Spec)).ToList();
        if (allowed.Count == 0)
        {
            var refused = string.Join(", ", readyOfClass.OrderBy(g => g.Metadata.Name, StringComparer.Ordinal)
                .Select(g => string.IsNullOrEmpty(g.Spec?.Tenant) ? $"{g.Metadata.Name} (operator-run)" : $"{g.Metadata.Name} (tenant '{g.Spec.Tenant}', not shared)"));
            return PlacementChoice.None(ModelServingReasons.NoEligibleGpuNode,
                $"{readyOfClass.Count} Ready GpuNode(s) of class '{gpuClass}' exist but none may run {Owner(tenant)}: {refused}. " +
                Rule);
        }

        if (!string.IsNullOrEmpty(currentNodeName) && allowed.FirstOrDefault(g => g.Spec.NodeName == currentNodeName) is { } current)
        {
            return new PlacementChoice(current, null, null);
        }

        var owned = tenant ?? string.Empty;
        var best = allowed
            .OrderBy(g => (g.Spec.Tenant ?? string.Empty) == owned ? 0 : 1)
            .ThenBy(g => placedPerNode.TryGetValue(g.Spec.NodeName, out var n) ? n : 0)
            .ThenBy(g => g.Metadata.Name, StringComparer.Ordinal)
            .First();
        return new PlacementChoice(best, null, null);
    }

    /// <summary>The refusal for a ModelServing of <paramref name="tenant"/> that names a GpuNode it may not run on.</summary>
    public static string Refusal(string? tenant, GpuNode gpuNode)
    {
        ArgumentNullException.ThrowIfNull(gpuNode);
        return $"GpuNode '{gpuNode.Metadata.Name}' belongs to tenant '{gpuNode.Spec?.Tenant}' and does not share it, so it may not run " +
            $"{Owner(tenant)}. {Rule}";
    }

    private const string Rule =
        "A tenant's ModelServing runs on that tenant's GpuNodes or on sharing ones; a hosted-pool ModelServing (no spec.tenant) on " +
        "operator-run (empty tenant) or sharing ones.";

    private static string Owner(string? tenant) =>
        string.IsNullOrEmpty(tenant) ? "a hosted-pool ModelServing (no spec.tenant)" : $"a ModelServing of tenant '{tenant}'";
}
