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

    /// <summary>gpuMemoryUtilization leaves too little beside the budget for the CUDA context and CUDA graphs: vLLM would not start.</summary>
    public const string UtilizationTooHigh = "UtilizationTooHigh";

    /// <summary>The weights do not fit the card while loading (online quantisation loads the 16-bit checkpoint first).</summary>
    public const string WeightsDoNotLoad = "WeightsDoNotLoad";

    /// <summary>The model's config.json (or safetensors index) does not exist at that repository and revision.</summary>
    public const string ModelConfigNotFound = "ModelConfigNotFound";

    /// <summary>The Hub refused the token (gated or private model, missing or wrong token).</summary>
    public const string ModelConfigUnauthorized = "ModelConfigUnauthorized";

    /// <summary>The model's config.json could not be read or lacks a figure the plan needs.</summary>
    public const string ModelConfigUnreadable = "ModelConfigUnreadable";
}
