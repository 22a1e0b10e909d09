namespace Daalu.Operator.Planning;

/// <summary>Reasons the planner gives.</summary>
public static class PlanReasons
{
    /// <summary>The model fits.</summary>
    public const string ModelFits = "ModelFits";

    /// <summary>Weights, overhead and the minimum context exceed the card's usable memory.</summary>
    public const string InsufficientMemory = "InsufficientMemory";

    /// <summary>The requested maxModelLen needs more KV cache than is left.</summary>
    public const string ContextDoesNotFit = "ContextDoesNotFit";

    /// <summary>The requested maxModelLen is longer than the model supports.</summary>
    public const string ContextExceedsModel = "ContextExceedsModel";

    /// <summary>tensorParallelSize is larger than the node's GPU count.</summary>
    public const string NotEnoughGpus = "NotEnoughGpus";

    /// <summary>No default model of the purpose fits the card.</summary>
    public const string NoDefaultFits = "NoDefaultFits";

    /// <summary>The requested model's architecture is unknown, so fit cannot be checked.</summary>
    public const string ModelNotInCatalog = "ModelNotInCatalog";

    /// <summary>An unknown model without spec.engine.maxModelLen: vLLM would try the model's full context.</summary>
    public const string MaxModelLenRequired = "MaxModelLenRequired";

    /// <summary>spec.engine.quantization cannot be applied to this checkpoint.</summary>
    public const string QuantizationMismatch = "QuantizationMismatch";
}
