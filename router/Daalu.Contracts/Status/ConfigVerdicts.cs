namespace Daalu.Contracts.Status;

/// <summary>What the router did with one part of its configuration.</summary>
public static class ConfigVerdicts
{
    /// <summary>In use.</summary>
    public const string Loaded = "loaded";

    /// <summary>Not in use; the verdict's reason says why.</summary>
    public const string Refused = "refused";
}
