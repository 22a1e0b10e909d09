namespace Daalu.Api.V1Alpha1;

/// <summary>The kinds of model cache volume.</summary>
public static class ModelCacheTypes
{
    /// <summary>A PersistentVolumeClaim the operator makes per ModelServing, owned by it.</summary>
    public const string Pvc = "pvc";

    /// <summary>An emptyDir: lost with the pod.</summary>
    public const string EmptyDir = "emptyDir";
}
