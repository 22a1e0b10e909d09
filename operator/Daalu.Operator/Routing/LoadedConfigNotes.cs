using Daalu.Contracts.Status;

namespace Daalu.Operator.Routing;

/// <summary>Turns the router's GET /admin/config answer into the words of the RoutingPolicy ConfigLoaded condition.</summary>
public static class LoadedConfigNotes
{
    /// <summary>" Refused: provider 'openai' (no API key ...)." for each refused part, or empty when none was refused.</summary>
    public static string Refusals(LoadedConfigDocument loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var refused = loaded.Verdicts.Where(v => v.Verdict == ConfigVerdicts.Refused).Select(v => $"{v.Kind} '{v.Name}' ({v.Reason})").ToList();
        return refused.Count == 0 ? string.Empty : $" Refused: {string.Join("; ", refused)}.";
    }
}
