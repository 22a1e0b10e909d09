namespace Daalu.Router.Classification.Quality;

/// <summary>One served answer waiting for the quality judge. Held only in memory, in the bounded queue; never logged.</summary>
/// <param name="Tier">OwnGpu or Hosted.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Prompt">The request's last user text, truncated for the judge.</param>
/// <param name="Body">The captured response body.</param>
/// <param name="EventStream">The body is an SSE stream.</param>
/// <param name="JudgeUrl">The judge backend's base URL.</param>
/// <param name="JudgeKey">The judge backend's bearer key, if any.</param>
/// <param name="JudgeModel">The judge model.</param>
public sealed record QualitySample(string Tier, string Model, string Prompt, byte[] Body, bool EventStream, string JudgeUrl, string? JudgeKey, string JudgeModel,
    string? JudgeBackend = null);
