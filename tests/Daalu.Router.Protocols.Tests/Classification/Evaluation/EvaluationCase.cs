namespace Daalu.Router.Protocols.Tests.Classification.Evaluation;

/// <summary>One labelled request of the held-out set.</summary>
/// <param name="Id">Record id (c001, p042).</param>
/// <param name="IsCode">Labelled code-bearing.</param>
/// <param name="Difficulty">Labelled difficulty 1..3.</param>
/// <param name="Category">Category name (fence, stack-java, factual, math ...).</param>
/// <param name="Turns">The turns, as (role, text).</param>
public sealed record EvaluationCase(string Id, bool IsCode, int Difficulty, string Category, IReadOnlyList<(string Role, string Text)> Turns);
