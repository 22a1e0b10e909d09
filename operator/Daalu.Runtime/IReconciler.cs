namespace Daalu.Runtime;

/// <summary>
/// A level-triggered reconciler: it receives only a key, re-reads the object (from the informer cache or the API),
/// ignores "not found", converges children, and writes status last. Exceptions count as a failure and are retried.
/// </summary>
public interface IReconciler
{
    /// <summary>Brings the object named by <paramref name="key"/> to its desired state.</summary>
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
