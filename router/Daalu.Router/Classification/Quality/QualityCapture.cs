namespace Daalu.Router.Classification.Quality;

/// <summary>A sampled request's capture in progress, from <see cref="QualityWatch.Begin"/> to <see cref="QualityWatch.EndAsync"/>.</summary>
/// <param name="Stream">The copying body stream installed on the response.</param>
/// <param name="Prompt">The last user text, truncated for the judge.</param>
/// <param name="JudgeUrl">The judge backend's base URL.</param>
/// <param name="JudgeKey">Its bearer key, if any.</param>
/// <param name="JudgeModel">The judge model.</param>
/// <param name="JudgeBackend">The judge backend's name, for the load view while the judge runs.</param>
public sealed record QualityCapture(AnswerCaptureStream Stream, string Prompt, string JudgeUrl, string? JudgeKey, string JudgeModel, string? JudgeBackend = null);
