namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Runs <see cref="CodeDetector"/> over every text of a request: system prompt, every turn, tool results and tool-call
/// arguments. Newest first, because the latest turn is the likeliest to carry code and the scan stops at the first hit;
/// a conversation that carried code earlier is still found, so it stays coding on later turns.
/// </summary>
public static class RequestCodeDetector
{
    /// <summary>The first code-bearing segment, newest first, or <see cref="CodeDetectionResult.None"/>.</summary>
    public static CodeDetectionResult Detect(RequestText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = text.Segments.Count - 1; i >= 0; i--)
        {
            var segment = text.Segments[i];
            var signal = CodeDetector.Detect(segment.Text);
            if (signal != CodeSignal.None)
            {
                return new CodeDetectionResult(signal, segment.Role, segment.Message);
            }
        }

        return CodeDetectionResult.None;
    }
}
