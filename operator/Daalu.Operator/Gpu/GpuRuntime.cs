namespace Daalu.Operator.Gpu;

/// <summary>
/// Which RuntimeClass the GPU pods (vLLM and the NVIDIA device plugin) run with. On nodes where the NVIDIA container
/// runtime is not containerd's default, a pod sees no GPU unless it names the RuntimeClass whose handler is that runtime;
/// NVIDIA's device plugin README ("Prerequisites", and the RuntimeClass it asks for when nvidia is not the default) and
/// its Helm chart (values.yaml `runtimeClassName`, "typical value is 'nvidia'") name it `nvidia`, and k3s, RKE2 and the
/// GPU Operator create a RuntimeClass of that name.
/// </summary>
public static class GpuRuntime
{
    /// <summary>The RuntimeClass name NVIDIA's manifests and the distributions use.</summary>
    public const string NvidiaRuntimeClass = "nvidia";

    /// <summary>
    /// The RuntimeClass for a GPU pod, or null for the node's default runtime. The most specific setting wins: the
    /// GpuNode's spec.runtimeClassName, then the operator's --gpu-runtime-class, then `nvidia` when a RuntimeClass of
    /// that name exists. For both settings null means "not set" and an empty string means "the default runtime".
    /// </summary>
    public static string? Resolve(string? gpuNodeSetting, string? operatorSetting, bool nvidiaRuntimeClassExists)
    {
        var chosen = gpuNodeSetting ?? operatorSetting;
        if (chosen is not null)
        {
            return chosen.Length == 0 ? null : chosen;
        }

        return nvidiaRuntimeClassExists ? NvidiaRuntimeClass : null;
    }

    /// <summary>True when <see cref="Resolve"/> needs to know whether the nvidia RuntimeClass exists.</summary>
    public static bool NeedsLookup(string? gpuNodeSetting, string? operatorSetting) => gpuNodeSetting is null && operatorSetting is null;

    /// <summary>How a resolved runtime class reads in a status message.</summary>
    public static string Describe(string? runtimeClassName) =>
        runtimeClassName is null ? "the node's default container runtime (no runtimeClassName)" : $"runtimeClassName '{runtimeClassName}'";
}
