using System.Buffers;

namespace Daalu.Router.Classification.Difficulty;

/// <summary>
/// The learned stage's features, shared by the router and the trainer (hack/classifier) so both hash the same way:
/// lower-cased ASCII word unigrams and bigrams, hashed (FNV-1a, 32 bit) into <see cref="Buckets"/> buckets, plus a
/// few shape features (length bucket, digits next to operators, a code signal, a question mark). Only the first
/// <see cref="ScanLimit"/> characters are read, so the cost is bounded whatever the prompt's size.
/// </summary>
public static class HashedFeatures
{
    /// <summary>Number of hash buckets (the model's input width).</summary>
    public const int Buckets = 4096;

    /// <summary>Characters read from the text.</summary>
    public const int ScanLimit = 2048;

    /// <summary>Most features one text yields (unigrams + bigrams + shape).</summary>
    public const int MaxFeatures = 1100;

    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    private static readonly SearchValues<char> Operators = SearchValues.Create("+-*/=^<>%");

    /// <summary>Writes the bucket of each feature into <paramref name="features"/> (duplicates allowed) and returns how many.</summary>
    /// <param name="text">The prompt (the last user turn).</param>
    /// <param name="codeSignal">A code signal name from <c>CodeSignals.Name</c>, or "none".</param>
    /// <param name="features">At least <see cref="MaxFeatures"/> long.</param>
    public static int Extract(ReadOnlySpan<char> text, string codeSignal, Span<int> features)
    {
        ArgumentNullException.ThrowIfNull(codeSignal);
        var count = 0;
        var full = text.Length;
        if (text.Length > ScanLimit)
        {
            text = text[..ScanLimit];
        }

        var previous = 0u;
        var havePrevious = false;
        var i = 0;
        var words = 0;
        while (i < text.Length && count < MaxFeatures - 8)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]))
            {
                // Sentence ends break bigrams.
                if (text[i] is '.' or '?' or '!' or '\n')
                {
                    havePrevious = false;
                }

                i++;
                continue;
            }

            var hash = FnvOffset;
            var digits = true;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '\'' or '+' or '#'))
            {
                var c = text[i];
                digits &= char.IsAsciiDigit(c);
                hash = (hash ^ (char.IsAsciiLetterUpper(c) ? (uint)(c | 0x20) : c)) * FnvPrime;
                i++;
            }

            // Numbers share one feature: "3" and "1024" say the same thing about difficulty.
            if (digits)
            {
                hash = Hash("<num>");
            }

            features[count++] = Bucket(hash);
            if (havePrevious)
            {
                features[count++] = Bucket(Mix(previous, hash));
            }

            previous = hash;
            havePrevious = true;
            words++;
        }

        features[count++] = Bucket(Hash(full switch
        {
            < 40 => "<len:xs>",
            < 120 => "<len:s>",
            < 400 => "<len:m>",
            < 1500 => "<len:l>",
            _ => "<len:xl>",
        }));
        features[count++] = Bucket(Hash("<sig:" + codeSignal + ">"));
        if (HasArithmetic(text))
        {
            features[count++] = Bucket(Hash("<arith>"));
        }

        if (text.Contains('?'))
        {
            features[count++] = Bucket(Hash("<question>"));
        }

        if (words > 25)
        {
            features[count++] = Bucket(Hash("<words:many>"));
        }

        features[count++] = Bucket(Hash("<bias>"));
        return count;
    }

    private static bool HasArithmetic(ReadOnlySpan<char> text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(Operators);
            if (found < 0)
            {
                return false;
            }

            var at = position + found;
            var before = at > 0 && (char.IsAsciiDigit(text[at - 1]) || (at > 1 && text[at - 1] == ' ' && char.IsAsciiDigit(text[at - 2])));
            var after = at + 1 < text.Length && (char.IsAsciiDigit(text[at + 1]) || text[at + 1] is 'x' or 'y' || (at + 2 < text.Length && text[at + 1] == ' ' && char.IsAsciiDigit(text[at + 2])));
            if (before && after)
            {
                return true;
            }

            position = at + 1;
        }

        return false;
    }

    private static uint Hash(string s)
    {
        var hash = FnvOffset;
        foreach (var c in s)
        {
            hash = (hash ^ c) * FnvPrime;
        }

        return hash;
    }

    private static uint Mix(uint a, uint b) => ((a * 31) + b) * FnvPrime;

    private static int Bucket(uint hash) => (int)((hash ^ (hash >> 15)) % Buckets);
}
