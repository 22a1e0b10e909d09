using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// The pod-level security context of every pod the operator runs as a non-root user (the router, vLLM, the weights
/// inspector), after the "restricted" profile of the Kubernetes Pod Security Standards
/// (kubernetes.io/docs/concepts/security/pod-security-standards: runAsNonRoot true, seccompProfile RuntimeDefault).
/// </summary>
public static class RestrictedPodSecurity
{
    /// <summary>Runs as <paramref name="id"/> (user and group); with <paramref name="fsGroup"/> mounted volumes are made writable for that group.</summary>
    public static V1PodSecurityContext NonRoot(long id, bool fsGroup) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = id,
        RunAsGroup = id,
        FsGroup = fsGroup ? id : null,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };
}
