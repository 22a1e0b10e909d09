namespace Daalu.Runtime.Informers;

/// <summary>Equality label selectors, as the cache's filtered list and the list-watch's read-your-writes check apply them.</summary>
internal static class LabelMatch
{
    /// <summary>Whether <paramref name="actual"/> carries every label of <paramref name="wanted"/> with the same value.</summary>
    public static bool Matches(IDictionary<string, string>? actual, IReadOnlyDictionary<string, string> wanted) =>
        wanted.All(pair => actual is not null && actual.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
