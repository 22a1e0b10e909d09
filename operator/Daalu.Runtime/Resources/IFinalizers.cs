using k8s;
using k8s.Models;

namespace Daalu.Runtime.Resources;

/// <summary>Adds and removes finalizers on custom resources; both are no-ops when nothing would change.</summary>
public interface IFinalizers
{
    /// <summary>
    /// Adds <paramref name="finalizer"/> unless present, with a resourceVersion precondition (a 409 throws and the
    /// reconcile is retried). Updates <paramref name="obj"/>'s finalizers and resourceVersion. True when it wrote.
    /// </summary>
    Task<bool> AddAsync<T>(T obj, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Removes <paramref name="finalizer"/> if present; an object already gone counts as done. True when it wrote.</summary>
    Task<bool> RemoveAsync<T>(T obj, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
