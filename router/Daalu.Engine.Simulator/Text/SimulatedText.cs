namespace Daalu.Engine.Simulator.Text;

/// <summary>
/// Deterministic reply text: it opens by saying it is simulated and which model "answered", then cycles through a
/// fixed word list from a position derived from the prompt. One word (with its leading space) is one token.
/// </summary>
public static class SimulatedText
{
    private static readonly string[] Filler =
    [
        "the", "engine", "simulator", "models", "continuous", "batching,", "prefill,", "decode", "steps", "and", "a",
        "paged", "KV", "cache", "with", "prefix", "caching;", "this", "text", "carries", "no", "meaning", "and", "is",
        "the", "same", "for", "the", "same", "prompt.",
    ];

    /// <summary>Token <paramref name="index"/> of the reply to a prompt with hash <paramref name="seed"/>.</summary>
    public static string Token(string model, uint seed, int index)
    {
        var intro = Intro(model);
        if (index < intro.Length)
        {
            return index == 0 ? intro[0] : " " + intro[index];
        }

        return " " + Filler[(int)((seed + (uint)(index - intro.Length)) % (uint)Filler.Length)];
    }

    /// <summary>The first <paramref name="count"/> tokens joined.</summary>
    public static string Reply(string model, uint seed, int count)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append(Token(model, seed, i));
        }

        return sb.ToString();
    }

    /// <summary>Reply length when max_tokens does not cut it: 24 to 63 tokens, fixed per prompt.</summary>
    public static int NaturalLength(uint seed) => 24 + (int)(seed % 40);

    /// <summary>A stable hash of a prompt.</summary>
    public static uint Seed(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var h = 2166136261u;
        foreach (var c in prompt)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }

    private static string[] Intro(string model) => ["[simulated]", "Reply", "from", model, "by", "the", "Daalu", "engine", "simulator;", "no", "model", "ran."];
}
