namespace Daalu.Operator.Routing;

/// <summary>
/// The configuration hash whose router objects RouterObjectsReconciler last applied in full (ConfigMap, ledger claim,
/// Deployment, Service). The RoutingPolicy controller reports a policy's status only once the objects for the
/// configuration it compiled are written, as it did when it wrote them itself. In memory: both controllers run in the
/// one operator process that holds the lease.
/// </summary>
public sealed class RouterObjectsProgress
{
    private volatile string? _appliedHash;

    /// <summary>The hash of the last configuration whose objects were all applied; null before the first.</summary>
    public string? AppliedHash => _appliedHash;

    /// <summary>Records that every router object for <paramref name="hash"/> is applied.</summary>
    public void Applied(string hash) => _appliedHash = hash;
}
