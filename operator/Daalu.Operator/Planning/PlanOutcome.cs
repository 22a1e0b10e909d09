namespace Daalu.Operator.Planning;

/// <summary>What the VRAM planner concluded.</summary>
public enum PlanOutcome
{
    /// <summary>The model fits with <see cref="VramPlan.MaxContext"/> tokens of context.</summary>
    Fits,

    /// <summary>The model does not fit as specified; no Deployment is made.</summary>
    DoesNotFit,

    /// <summary>The model is not in the catalog; it is deployed with the user's max model length, unchecked.</summary>
    Unchecked,

    /// <summary>The spec cannot be planned (e.g. an unknown model without maxModelLen, or a quantisation mismatch).</summary>
    Invalid,
}
