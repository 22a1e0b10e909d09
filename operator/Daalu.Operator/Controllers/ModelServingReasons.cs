namespace Daalu.Operator.Controllers;

/// <summary>Condition types and reasons of a ModelServing.</summary>
public static class ModelServingReasons
{
    /// <summary>Condition type: the model is served and listed on /v1/models.</summary>
    public const string ReadyCondition = "Ready";

    /// <summary>Condition type: True when the model does not fit the card (no Deployment is made).</summary>
    public const string ModelDoesNotFitCondition = "ModelDoesNotFit";

    /// <summary>The server lists the model.</summary>
    public const string ModelServed = "ModelServed";

    /// <summary>The Deployment has no ready replica yet.</summary>
    public const string Deploying = "Deploying";

    /// <summary>The server answers but does not list the model.</summary>
    public const string ModelNotListed = "ModelNotListed";

    /// <summary>/v1/models could not be read.</summary>
    public const string EndpointUnreachable = "EndpointUnreachable";

    /// <summary>spec.gpuNode names no GpuNode.</summary>
    public const string GpuNodeNotFound = "GpuNodeNotFound";

    /// <summary>The GpuNode is not Ready (unsupported, node missing, device plugin not ready).</summary>
    public const string GpuNodeNotReady = "GpuNodeNotReady";

    /// <summary>No Ready GpuNode of spec.gpuClass exists.</summary>
    public const string NoReadyGpuNodeOfClass = "NoReadyGpuNodeOfClass";

    /// <summary>Ready GpuNodes of the class exist, but none the ModelServing's tenant (or the hosted pool) may use.</summary>
    public const string NoEligibleGpuNode = "NoEligibleGpuNode";

    /// <summary>spec.gpuNode names a GpuNode of another tenant that does not share it.</summary>
    public const string GpuNodeNotEligible = "GpuNodeNotEligible";

    /// <summary>The Hugging Face token Secret or its key is missing.</summary>
    public const string TokenSecretMissing = "TokenSecretMissing";

    /// <summary>The endpoint's API key Secret or its key is missing.</summary>
    public const string ApiKeySecretMissing = "ApiKeySecretMissing";

    /// <summary>The model does not fit, or the spec cannot be planned (see ModelDoesNotFit).</summary>
    public const string NotDeployable = "NotDeployable";

    /// <summary>An inspection Pod is reading config.json and the safetensors index from pre-staged weights (PVC or host path).</summary>
    public const string InspectingWeights = "InspectingWeights";

    /// <summary>The inspection Pod failed for a reason other than the files (image, eviction, deadline, crash); it is run again later.</summary>
    public const string WeightsInspectionFailed = "WeightsInspectionFailed";

    /// <summary>spec.endpoint without spec.gpuClass: nothing to check fit against.</summary>
    public const string FitNotChecked = "FitNotChecked";
}
