namespace Daalu.Router.Planning;

/// <summary>Model patterns in rules: an exact name, or a prefix ending in *.</summary>
public static class ModelMatch
{
    /// <summary>Whether <paramref name="model"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string model)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(model);
        return pattern.EndsWith('*')
            ? model.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
            : string.Equals(pattern, model, StringComparison.Ordinal);
    }
}
