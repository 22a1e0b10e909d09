namespace Daalu.Operator.Routing;

/// <summary>How the operator deploys and talks to the router (from the host's flags; tests shorten the intervals).</summary>
public sealed class RoutingSettings
{
    /// <summary>Namespace of the router Deployment, Service, ConfigMap and the Secrets it mounts (the operator's own).</summary>
    public string RouterNamespace { get; set; } = "daalu-system";

    /// <summary>Name of the router Deployment and Service.</summary>
    public string RouterName { get; set; } = "daalu-router";

    /// <summary>Name of the ConfigMap holding the compiled configuration.</summary>
    public string ConfigMapName { get; set; } = "daalu-router-config";

    /// <summary>The ConfigMap key (and file name) of the compiled configuration.</summary>
    public string ConfigKey { get; set; } = "config.yaml";

    /// <summary>Where the ConfigMap is mounted in the router container.</summary>
    public string ConfigDirectory { get; set; } = "/etc/daalu/router";

    /// <summary>Where referenced Secrets are mounted, one sub-directory per Secret, one file per key.</summary>
    public string KeysDirectory { get; set; } = "/etc/daalu/keys";

    /// <summary>Router container image.</summary>
    public string Image { get; set; } = "daalu-router:latest";

    /// <summary>
    /// Router replicas asked for. More than one runs only with shared stores (Redis and a PostgreSQL ledger); without
    /// them one runs and the RoutingPolicies say why (<see cref="RouterStorePlan"/>).
    /// </summary>
    public int Replicas { get; set; } = 1;

    /// <summary>CPU request of the router container.</summary>
    public string CpuRequest { get; set; } = "200m";

    /// <summary>Memory request of the router container.</summary>
    public string MemoryRequest { get; set; } = "256Mi";

    /// <summary>CPU limit of the router container.</summary>
    public string CpuLimit { get; set; } = "2";

    /// <summary>Memory limit of the router container.</summary>
    public string MemoryLimit { get; set; } = "1Gi";

    /// <summary>Redis URL for shared quota counters (several replicas); null runs the in-process gate.</summary>
    public string? RedisUrl { get; set; }

    /// <summary>Secret (router namespace) holding the Redis configuration string, passed as DAALU_REDIS_URL; wins over <see cref="RedisUrl"/>.</summary>
    public string? RedisSecretName { get; set; }

    /// <summary>Key in <see cref="RedisSecretName"/>.</summary>
    public string RedisSecretKey { get; set; } = "url";

    /// <summary>
    /// Secret (router namespace) holding an Npgsql connection string for the shared ledger, passed as
    /// DAALU_POSTGRES_CONNECTION_STRING. Null: the SQLite ledger on <see cref="LedgerClaimName"/>, one replica.
    /// </summary>
    public string? PostgresSecretName { get; set; }

    /// <summary>Key in <see cref="PostgresSecretName"/>.</summary>
    public string PostgresSecretKey { get; set; } = "connection-string";

    /// <summary>PersistentVolumeClaim the operator creates for the single replica's SQLite ledger (no PostgreSQL).</summary>
    public string LedgerClaimName { get; set; } = "daalu-router-ledger";

    /// <summary>Size of <see cref="LedgerClaimName"/>.</summary>
    public string LedgerStorageSize { get; set; } = "1Gi";

    /// <summary>StorageClass of <see cref="LedgerClaimName"/>; null: the cluster's default.</summary>
    public string? LedgerStorageClass { get; set; }

    /// <summary>Secret (in the router namespace) holding the operator's admin key for the router, created when missing.</summary>
    public string AdminKeySecretName { get; set; } = "daalu-router-admin-key";

    /// <summary>Key of the admin key in <see cref="AdminKeySecretName"/>.</summary>
    public string AdminKeySecretKey { get; set; } = "key";

    /// <summary>Base URL the operator reaches the router on; the in-cluster Service when null.</summary>
    public string? RouterUrl { get; set; }

    /// <summary>How often TenantQuota usage is refreshed from the router (at most 30 s).</summary>
    public TimeSpan UsageRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a policy is looked at again while the router has not loaded the latest configuration, or a Secret is missing.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Request limits and probing written into the configuration.</summary>
    public Daalu.Contracts.RouterConfig.RouterLimits Limits { get; set; } = new();

    /// <summary>The operator's reserved tenant name in the router configuration (admin, no model access).</summary>
    public const string OperatorTenant = "daalu-operator";

    /// <summary>The router's base URL as the operator reaches it.</summary>
    public string EffectiveRouterUrl => RouterUrl ?? $"http://{RouterName}.{RouterNamespace}.svc:80";
}
