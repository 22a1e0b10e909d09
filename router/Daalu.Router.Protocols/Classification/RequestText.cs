namespace Daalu.Router.Classification;

/// <summary>Every text of a request in order (system first), as <see cref="RequestTextReader"/> found it.</summary>
public sealed class RequestText
{
    /// <summary>An empty request.</summary>
    public static readonly RequestText Empty = new([], HasTools: false, HasImages: false);

    /// <summary>Creates the view.</summary>
    public RequestText(IReadOnlyList<TextSegment> segments, bool HasTools, bool HasImages)
    {
        Segments = segments;
        this.HasTools = HasTools;
        this.HasImages = HasImages;
        var lastUser = -1;
        var messages = 0;
        var total = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            total += segments[i].Text.Length;
            messages = Math.Max(messages, segments[i].Message + 1);
            if (segments[i].Role is "user" or "prompt")
            {
                lastUser = segments[i].Message;
            }
        }

        TotalLength = total;
        MessageCount = messages;
        LastUserText = JoinMessage(lastUser);
        var previousUser = -1;
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            if (segments[i].Role is "user" or "prompt" && segments[i].Message < lastUser)
            {
                previousUser = segments[i].Message;
                break;
            }
        }

        PreviousUserText = previousUser >= 0 ? JoinMessage(previousUser) : null;
    }

    /// <summary>All texts.</summary>
    public IReadOnlyList<TextSegment> Segments { get; }

    /// <summary>The request offers tools.</summary>
    public bool HasTools { get; }

    /// <summary>Any message carries an image.</summary>
    public bool HasImages { get; }

    /// <summary>Characters over all texts.</summary>
    public int TotalLength { get; }

    /// <summary>Messages (or prompt items) seen.</summary>
    public int MessageCount { get; }

    /// <summary>The last user message's text parts joined by newlines (the completions prompt for /v1/completions).</summary>
    public string LastUserText { get; }

    /// <summary>The user message before the last one, for follow-up turns; null when there is none.</summary>
    public string? PreviousUserText { get; }

    /// <summary>The input of the heuristic rater.</summary>
    public ComplexityInput ToComplexityInput() => new(LastUserText, TotalLength, MessageCount, HasTools, HasImages);

    private string JoinMessage(int message)
    {
        if (message < 0)
        {
            return string.Empty;
        }

        string? single = null;
        System.Text.StringBuilder? joined = null;
        foreach (var s in Segments)
        {
            if (s.Message != message || s.Role is not ("user" or "prompt"))
            {
                continue;
            }

            if (single is null)
            {
                single = s.Text;
            }
            else
            {
                joined ??= new System.Text.StringBuilder(single);
                joined.Append('\n').Append(s.Text);
            }
        }

        return joined?.ToString() ?? single ?? string.Empty;
    }
}
