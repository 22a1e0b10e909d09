using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Classification;

/// <summary>What the classifier found in a request: code (and where), difficulty (and which stage), and the cost.</summary>
/// <param name="Code">Code detection over every text; None when detection is off.</param>
/// <param name="CodeElapsed">Time code detection took.</param>
/// <param name="Difficulty">Difficulty stages; null when not rated (embeddings).</param>
/// <param name="Judge">What the judge stage did; null when it was not asked (off, or the earlier stages were sure).</param>
public sealed record RequestClassification(CodeDetectionResult Code, TimeSpan CodeElapsed, DifficultyDecision? Difficulty, JudgeStage? Judge = null);
