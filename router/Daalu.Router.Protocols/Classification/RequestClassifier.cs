using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Classification;

/// <summary>
/// Reads a request's content once for the router: code detection over every text (unless the policy turned it off)
/// and difficulty in stages. Never logs or keeps text: the result holds signal names, ratings, indexes and times.
/// </summary>
public sealed class RequestClassifier(DifficultyClassifier difficulty, TimeProvider time)
{
    // Earlier turns' verdicts: every call of a conversation resends them (see SegmentVerdicts).
    private readonly SegmentVerdicts _earlier = new();

    /// <summary>Classifies a request.</summary>
    /// <param name="text">Its texts.</param>
    /// <param name="mode">The policy's code detection mode; Off skips detection.</param>
    /// <param name="rateDifficulty">Whether to rate difficulty (chat and completions; not embeddings).</param>
    public RequestClassification Classify(RequestText text, CodeDetectionMode mode, bool rateDifficulty)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = time.GetTimestamp();
        var code = mode == CodeDetectionMode.Off ? CodeDetectionResult.None : RequestCodeDetector.Detect(text, _earlier);
        var codeElapsed = time.GetElapsedTime(start);
        DifficultyDecision? rating = null;
        if (rateDifficulty)
        {
            // The difficulty features want the last user turn's own signal, whatever the rest of the conversation holds.
            // A scan of every text that found nothing already ran the same detector over the last turn when that turn is
            // one text (the usual case): its answer is None, and scanning it again would only repeat the work.
            var lastTurn = code.IsCode && code.Role is "user" or "prompt" && IsLastUser(text, code.Message)
                ? code.Signal
                : mode != CodeDetectionMode.Off && !code.IsCode && IsScannedWhole(text)
                    ? CodeSignal.None
                    : CodeDetector.Detect(text.LastUserText);
            rating = difficulty.Rate(text, lastTurn);
        }

        return new RequestClassification(code, codeElapsed, rating);
    }

    // Whether the last user turn's text is one of the segments as is (not a join of several parts).
    private static bool IsScannedWhole(RequestText text)
    {
        var last = text.LastUserText;
        if (last.Length == 0)
        {
            return false;
        }

        for (var i = text.Segments.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(text.Segments[i].Text, last))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLastUser(RequestText text, int message)
    {
        for (var i = text.Segments.Count - 1; i >= 0; i--)
        {
            if (text.Segments[i].Role is "user" or "prompt")
            {
                return text.Segments[i].Message == message;
            }
        }

        return false;
    }
}
