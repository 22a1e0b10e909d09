namespace Daalu.Router.Classification;

/// <summary>
/// Rates how hard a chat request is: 1 (simple, a small model is enough), 2 (medium), 3 (hard: the largest
/// model, and when the policy says so, past the own-GPU tier). Implementations must be cheap and thread-safe:
/// the router calls them on every <c>auto</c> request before choosing a backend.
/// </summary>
public interface IComplexityClassifier
{
    int Rate(in ComplexityInput input);
}
