namespace Daalu.KubeApiServer;

/// <summary>Tunables of <see cref="KubeApiServer"/>; the defaults suit tests.</summary>
public sealed class KubeApiServerOptions
{
    /// <summary>How many watch events are kept for watches that resume from a resourceVersion (the etcd compaction window).</summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>How often BOOKMARK events go to watches opened with <c>allowWatchBookmarks=true</c>.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest a watch stays open when the client gives no <c>timeoutSeconds</c>.</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Whether namespaced writes need an existing, non-terminating Namespace (true in a real cluster).</summary>
    public bool RequireNamespaces { get; set; } = true;

    /// <summary>Namespaces created at start, as a fresh cluster has them.</summary>
    public IReadOnlyList<string> InitialNamespaces { get; set; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>
    /// Whether the ownerReference garbage collector runs. It runs synchronously inside the write that can make
    /// garbage (a removal, or a write with an ownerReference that does not resolve) and tests only those candidates.
    /// </summary>
    public bool GarbageCollection { get; set; } = true;

    /// <summary>Clock for creationTimestamp and deletionTimestamp.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Admission of custom resources (defaults, pruning, schema and CEL validation); null uses Daalu.CrdValidation's
    /// SchemaValidator on the CRD file each type was loaded from.
    /// </summary>
    public IObjectValidator? Validator { get; set; }

    /// <summary>
    /// Whether built-in objects are validated as the real API server does (names, labels, annotations, and the
    /// required fields of Deployments, DaemonSets, Services, ConfigMaps, Secrets, Nodes, Leases, RuntimeClasses;
    /// see BuiltinValidation). Metadata labels and annotations of custom resources are checked too.
    /// </summary>
    public bool ValidateBuiltinObjects { get; set; } = true;

    /// <summary>
    /// Whether built-in objects are also checked against the Kubernetes OpenAPI definitions (the npm package
    /// kubernetes-models through tests/js/k8s-schema.mjs; skipped when node or the package is absent).
    /// </summary>
    public bool CheckOpenApiSchemas { get; set; } = true;

    /// <summary>Whether x-kubernetes-validations CEL rules are evaluated (needs node and tests/js; skipped if absent).</summary>
    public bool EvaluateCelRules { get; set; } = true;
}
