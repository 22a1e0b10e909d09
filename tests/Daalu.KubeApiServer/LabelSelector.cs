using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// A parsed <c>labelSelector</c> query value with the real grammar: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (exists) and <c>!k</c> (does not exist), comma-joined.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    public static LabelSelector Everything { get; } = new();

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                throw ApiError.BadRequest($"unable to parse requirement: found '', expected: identifier in selector \"{text}\"");
            }

            selector._requirements.Add(ParseRequirement(part, text));
        }

        return selector;
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part, string whole)
    {
        if (part.StartsWith('!'))
        {
            var key = ValidKey(part[1..].Trim(), whole);
            return l => !l.ContainsKey(key);
        }

        var setMatch = FindWord(part, " notin ") ?? FindWord(part, " in ");
        if (setMatch is { } sm)
        {
            var key = ValidKey(part[..sm.Index].Trim(), whole);
            var rest = part[(sm.Index + sm.Length)..].Trim();
            if (!rest.StartsWith('(') || !rest.EndsWith(')'))
            {
                throw ApiError.BadRequest($"unable to parse requirement: found '{rest}', expected: '(' in selector \"{whole}\"");
            }

            var values = rest[1..^1].Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
            return sm.NotIn
                ? l => !l.TryGetValue(key, out var v) || !values.Contains(v)
                : l => l.TryGetValue(key, out var v) && values.Contains(v);
        }

        foreach (var op in new[] { "!=", "==", "=" })
        {
            var i = part.IndexOf(op, StringComparison.Ordinal);
            if (i > 0)
            {
                var key = ValidKey(part[..i].Trim(), whole);
                var value = part[(i + op.Length)..].Trim();
                return op == "!="
                    ? l => !l.TryGetValue(key, out var v) || v != value
                    : l => l.TryGetValue(key, out var v) && v == value;
            }
        }

        var existsKey = ValidKey(part, whole);
        return l => l.ContainsKey(existsKey);
    }

    private static (int Index, int Length, bool NotIn)? FindWord(string part, string word)
    {
        var i = part.IndexOf(word, StringComparison.Ordinal);
        return i > 0 ? (i, word.Length, word.Contains("notin", StringComparison.Ordinal)) : null;
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw ApiError.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in selector \"{whole}\"");
        }

        return key;
    }

    internal static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    /// <summary>Reads <c>metadata.labels</c> of an object as a dictionary.</summary>
    public static Dictionary<string, string> LabelsOf(JsonObject obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (k, v) in labels)
            {
                result[k] = v?.GetValue<string>() ?? string.Empty;
            }
        }

        return result;
    }
}
