namespace Daalu.Router.Planning;

/// <summary>A tier, backend or provider the planner left out, and why.</summary>
/// <param name="Tier">The tier.</param>
/// <param name="Name">Backend/provider name, or * for the whole tier.</param>
/// <param name="Reason">One of <see cref="SkipReasons"/>.</param>
/// <param name="Detail">Extra facts, e.g. the rule name or the saturation value.</param>
public readonly record struct Skip(string Tier, string Name, string Reason, string? Detail = null);
