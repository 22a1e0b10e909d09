using k8s;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// The typed API calls <see cref="ChildApplier"/> needs for one kind of child (KubernetesClient has one method per kind
/// and verb), and the fields the server assigns that a replace must carry over from the live object.
/// </summary>
/// <typeparam name="T">The child's type.</typeparam>
public sealed class ChildKind<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The kind's name, for messages and logs.</summary>
    public required string Kind { get; init; }

    /// <summary>GET by namespace and name.</summary>
    public required Func<IKubernetes, string, string, CancellationToken, Task<T>> Read { get; init; }

    /// <summary>POST into the object's namespace.</summary>
    public required Func<IKubernetes, T, CancellationToken, Task<T>> Create { get; init; }

    /// <summary>PUT (carries metadata.resourceVersion, so a concurrent change answers 409).</summary>
    public required Func<IKubernetes, T, CancellationToken, Task<T>> Replace { get; init; }

    /// <summary>Copies server-assigned, immutable fields from the live object into the desired one before a replace.</summary>
    public Action<T, T>? CarryOver { get; init; }
}
