using System.Globalization;
using System.Text.Json;

namespace Daalu.Bench.Stub.Client;

/// <summary>
/// Checks one chat completion stream against what the stub sent: tokens "0 ", "1 ", ... in order, then [DONE].
/// Proxies may merge or split events, so tokens are counted, not events. Pure: fed one SSE line at a time.
/// </summary>
internal sealed class StreamEventCounter
{
    private readonly int _expectedTokens;
    private int _next;

    public StreamEventCounter(int expectedTokens) => _expectedTokens = expectedTokens;

    /// <summary>Tokens received in order.</summary>
    public int Received { get; private set; }

    /// <summary>Tokens skipped over (a later token arrived first), plus those missing at the end.</summary>
    public int Lost { get; private set; }

    /// <summary>Tokens that arrived after a later one, or twice.</summary>
    public int Reordered { get; private set; }

    public bool SawDone { get; private set; }

    /// <summary>Data events that were not JSON, or had content that is not a token sequence.</summary>
    public int Malformed { get; private set; }

    /// <summary>Feeds one line (without the newline); returns true when it was a data event carrying at least one token.</summary>
    public bool OnLine(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!line.StartsWith("data:"u8))
        {
            return false;
        }

        var data = line[5..].TrimStart((byte)' ');
        if (data.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            return false;
        }

        var tokensBefore = Received + Lost + Reordered;
        try
        {
            var reader = new Utf8JsonReader(data);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        OnContent(reader.GetString()!);
                    }
                }
            }
        }
        catch (JsonException)
        {
            Malformed++;
        }

        return Received + Lost + Reordered > tokensBefore;
    }

    /// <summary>Closes the stream: tokens never seen count as lost.</summary>
    public void Complete()
    {
        if (_next < _expectedTokens)
        {
            Lost += _expectedTokens - _next;
            _next = _expectedTokens;
        }
    }

    private void OnContent(string content)
    {
        foreach (var part in content.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var token))
            {
                Malformed++;
                continue;
            }

            if (token == _next)
            {
                Received++;
                _next++;
            }
            else if (token > _next)
            {
                Lost += token - _next;
                Received++;
                _next = token + 1;
            }
            else
            {
                Reordered++;
            }
        }
    }
}
