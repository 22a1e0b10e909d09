namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Runs <see cref="CodeDetector"/> over every text of a request: system prompt, every turn, tool results and tool-call
/// arguments. Newest first, because the latest turn is the likeliest to carry code and the scan stops at the first hit;
/// a conversation that carried code earlier is still found, so it stays coding on later turns.
/// </summary>
public static class RequestCodeDetector
{
    /// <summary>The first code-bearing segment, newest first, or <see cref="CodeDetectionResult.None"/>.</summary>
    public static CodeDetectionResult Detect(RequestText text) => Detect(text, earlier: null);

    /// <summary>
    /// As <see cref="Detect(RequestText)"/>, with the verdicts of texts before the last message taken from (and kept in)
    /// <paramref name="earlier"/>; the last message is always scanned, so one-off prompts do not fill the cache. The
    /// verdicts are the same either way.
    /// </summary>
    public static CodeDetectionResult Detect(RequestText text, SegmentVerdicts? earlier)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lastMessage = text.MessageCount - 1;
        for (var i = text.Segments.Count - 1; i >= 0; i--)
        {
            var segment = text.Segments[i];
            var signal = earlier is not null && segment.Message < lastMessage ? earlier.Detect(segment.Text) : CodeDetector.Detect(segment.Text);
            if (signal != CodeSignal.None)
            {
                return new CodeDetectionResult(signal, segment.Role, segment.Message);
            }
        }

        return CodeDetectionResult.None;
    }
}
