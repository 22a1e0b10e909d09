using k8s;
using k8s.Models;

namespace Daalu.Runtime.Status;

/// <summary>Writes a custom resource's status through the <c>/status</c> subresource, only when it changed.</summary>
public interface IStatusWriter
{
    /// <summary>
    /// Compares <paramref name="desiredStatus"/> with <paramref name="current"/>'s status and, when they differ, sends
    /// a merge patch of the difference to <c>/status</c> with <paramref name="current"/>'s resourceVersion as a
    /// precondition (so a stale read gives <see cref="StatusWriteOutcome.Conflict"/>, never a lost update). On success
    /// the new resourceVersion is stored in <paramref name="current"/>'s metadata.
    /// </summary>
    Task<StatusWriteOutcome> WriteAsync<T>(T current, object? desiredStatus, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
