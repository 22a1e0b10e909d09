using System.Globalization;

namespace Daalu.Bench.Stub.Server;

/// <summary>Command-line settings of the stub server.</summary>
internal sealed class StubOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one (printed on stdout).</summary>
    public int Port { get; private set; }

    /// <summary>
    /// Served model names (vLLM's --served-model-name, or LoRA adapters) and each one's pause between two stream
    /// events in microseconds; other names get vLLM's 404. Several names let one stub serve a fast and a slow stream.
    /// </summary>
    public List<(string Name, int GapMicros)> Models { get; } = [];

    /// <summary>Completion tokens (stream events) when the request sets no max_tokens.</summary>
    public int DefaultTokens { get; private set; } = 16;

    /// <summary>Upper bound of completion tokens per request (vLLM's max_model_len plays this role).</summary>
    public int MaxTokens { get; private set; } = 4096;

    /// <summary>Pause before the first stream event (prefill), in microseconds.</summary>
    public int FirstTokenMicros { get; private set; }

    /// <summary>
    /// vLLM's --max-num-seqs: sequences the engine runs at once. The reported KV-cache use is the busy share of them,
    /// so a router that skips a saturated engine sees one at this many concurrent requests.
    /// </summary>
    public int MaxNumSeqs { get; private set; } = 256;

    public static StubOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new StubOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option {name} needs a value");
            }

            var value = args[++i];
            switch (name)
            {
                case "--port": o.Port = ParseInt(name, value, 0, 65535); break;
                case "--model": o.Models.Add(ParseModel(value)); break;
                case "--tokens": o.DefaultTokens = ParseInt(name, value, 1, 1 << 20); break;
                case "--max-tokens": o.MaxTokens = ParseInt(name, value, 1, 1 << 20); break;
                case "--ttft-us": o.FirstTokenMicros = ParseInt(name, value, 0, 10_000_000); break;
                case "--max-num-seqs": o.MaxNumSeqs = ParseInt(name, value, 1, 1 << 20); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (o.Models.Count == 0)
        {
            o.Models.Add(("bench-model", 0));
        }

        if (o.DefaultTokens > o.MaxTokens)
        {
            throw new ArgumentException("--tokens must not exceed --max-tokens");
        }

        return o;
    }

    // NAME or NAME=GAP_US.
    private static (string Name, int GapMicros) ParseModel(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        var name = eq < 0 ? value : value[..eq];
        if (!IsSafeName(name))
        {
            throw new ArgumentException("--model names must be 1-128 of [A-Za-z0-9._:/-]");
        }

        return (name, eq < 0 ? 0 : ParseInt("--model gap", value[(eq + 1)..], 0, 10_000_000));
    }

    // The name is spliced into precomputed JSON, so it must need no escaping.
    private static bool IsSafeName(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '/' or '-');

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new ArgumentException($"{name} must be an integer in [{min}, {max}], got '{value}'");
        }

        return v;
    }
}
