using k8s.Models;

namespace Daalu.Operator.Routing;

/// <summary>
/// Builds the router's ConfigMap, Deployment and Service (pure). The pod template carries neither the configuration
/// nor its hash: the router hot-reloads the mounted file, so a configuration change never restarts a pod. Only a
/// change of image, replicas, resources, Redis URL or the set of mounted Secrets changes the template.
/// The stores follow <see cref="RouterStorePlan"/>: Redis and PostgreSQL from Secrets (environment variables the router
/// reads), and without PostgreSQL the single replica's SQLite ledger on the PersistentVolumeClaim <see cref="BuildLedgerClaim"/>.
/// </summary>
public static class RouterObjectsBuilder
{
    /// <summary>Annotation on the ConfigMap with the hash of the configuration it holds.</summary>
    public const string ConfigHashAnnotation = "ai.daalu.io/config-hash";

    /// <summary>Environment variable the router reads its Redis URL from.</summary>
    public const string RedisUrlEnv = "DAALU_REDIS_URL";

    /// <summary>Environment variable the router reads the shared ledger's PostgreSQL connection string from.</summary>
    public const string PostgresEnv = "DAALU_POSTGRES_CONNECTION_STRING";

    /// <summary>
    /// Runtime settings for the router, measured side by side (docs/benchmarks.md, "Runtime settings"); the Dockerfile
    /// and config/router set the same, and a test holds the three in step. All three are read from the environment:
    /// <list type="bullet">
    /// <item>DOTNET_TC_CallCountingDelayMs=0: start tier-1 call counting at once. Under steady load the runtime's
    /// start-up delay kept the hot methods at tier 0 for minutes (312 us of CPU per request after 48 s of load, 168 us
    /// with this).</item>
    /// <item>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0: idle thread-pool workers block instead of spinning. The
    /// spinning took the core the request needed: 16-25 context switches per request one at a time.</item>
    /// <item>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1: socket completions continue on the socket engine's thread
    /// instead of a hop through the thread pool. Safe because nothing on the request path blocks: the one blocking
    /// call, an fsync'd outbox commit (LedgerFsync), is handed to the thread pool by the ledger.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<V1EnvVar> RuntimeEnv { get; } =
    [
        new() { Name = "DOTNET_TC_CallCountingDelayMs", Value = "0" },
        new() { Name = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", Value = "0" },
        new() { Name = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", Value = "1" },
    ];

    private const int Port = 8080;

    /// <summary>The labels every router object carries; the Service selects the pods by the first two.</summary>
    public static Dictionary<string, string> Labels(RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/name"] = settings.RouterName,
            ["app.kubernetes.io/component"] = "router",
            [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
        };
    }

    private static Dictionary<string, string> SelectorLabels(RoutingSettings settings) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = settings.RouterName,
        ["app.kubernetes.io/component"] = "router",
    };

    /// <summary>The ConfigMap holding the compiled configuration.</summary>
    public static V1ConfigMap BuildConfigMap(RoutingSettings settings, CompiledRouterConfig compiled)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(compiled);
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta
            {
                Name = settings.ConfigMapName,
                NamespaceProperty = settings.RouterNamespace,
                Labels = Labels(settings),
                Annotations = new Dictionary<string, string> { [ConfigHashAnnotation] = compiled.Hash },
            },
            Data = new Dictionary<string, string> { [settings.ConfigKey] = compiled.Content },
        };
    }

    /// <summary>The router Deployment, mounting the ConfigMap and every referenced Secret as files.</summary>
    public static V1Deployment BuildDeployment(RoutingSettings settings, IReadOnlyList<MountedSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        var env = new List<V1EnvVar>
        {
            new() { Name = "POD_NAMESPACE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
        };
        env.AddRange(RuntimeEnv.Select(e => new V1EnvVar { Name = e.Name, Value = e.Value }));
        if (!string.IsNullOrEmpty(settings.RedisSecretName))
        {
            env.Add(FromSecret(RedisUrlEnv, settings.RedisSecretName, settings.RedisSecretKey));
        }
        else if (!string.IsNullOrEmpty(settings.RedisUrl))
        {
            env.Add(new V1EnvVar { Name = RedisUrlEnv, Value = settings.RedisUrl });
        }

        if (!string.IsNullOrEmpty(settings.PostgresSecretName))
        {
            env.Add(FromSecret(PostgresEnv, settings.PostgresSecretName, settings.PostgresSecretKey));
        }

        var stores = RouterStorePlan.Decide(settings);

        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "config", MountPath = settings.ConfigDirectory, ReadOnlyProperty = true },
            new() { Name = "ledger", MountPath = "/var/lib/daalu" },
            new() { Name = "tmp", MountPath = "/tmp" },
        };
        var volumes = new List<V1Volume>
        {
            new()
            {
                Name = "config",
                ConfigMap = new V1ConfigMapVolumeSource
                {
                    Name = settings.ConfigMapName,
                    Items = [new V1KeyToPath { Key = settings.ConfigKey, Path = settings.ConfigKey }],
                },
            },
            // The SQLite ledger must outlive the pod; with PostgreSQL the directory holds only this pod's outbox.
            stores.LedgerOnClaim
                ? new() { Name = "ledger", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = settings.LedgerClaimName } }
                : new() { Name = "ledger", EmptyDir = new V1EmptyDirVolumeSource() },
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        };
        if (secrets.Count > 0)
        {
            // One projected volume: each Secret a directory, each key a file, as the compiled configuration expects.
            // optional: a Secret deleted later must not keep a restarted pod from starting; the router then refuses
            // the configuration that names the missing file and keeps its last good one.
            mounts.Add(new V1VolumeMount { Name = "keys", MountPath = settings.KeysDirectory, ReadOnlyProperty = true });
            volumes.Add(new V1Volume
            {
                Name = "keys",
                Projected = new V1ProjectedVolumeSource
                {
                    Sources = [.. secrets.Select(s => new V1VolumeProjection
                    {
                        Secret = new V1SecretProjection
                        {
                            Name = s.Name,
                            Optional = true,
                            Items = [.. s.Keys.Select(k => new V1KeyToPath { Key = k, Path = $"{s.Name}/{k}" })],
                        },
                    })],
                },
            });
        }

        var probe = (string path, int initialDelay, int period) => new V1Probe
        {
            HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
            InitialDelaySeconds = initialDelay,
            PeriodSeconds = period,
            TimeoutSeconds = 2,
            FailureThreshold = 3,
        };

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = settings.RouterName, NamespaceProperty = settings.RouterNamespace, Labels = Labels(settings) },
            Spec = new V1DeploymentSpec
            {
                Replicas = stores.Replicas,
                Selector = new V1LabelSelector { MatchLabels = SelectorLabels(settings) },
                Strategy = stores.LedgerOnClaim
                    ? new V1DeploymentStrategy { Type = "Recreate" }
                    : new V1DeploymentStrategy
                    {
                        Type = "RollingUpdate",
                        RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                    },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(settings) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = settings.RouterName,
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = 30,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = 65532,
                            RunAsGroup = 65532,
                            FsGroup = 65532,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "router",
                                Image = settings.Image,
                                ImagePullPolicy = "IfNotPresent",
                                Args =
                                [
                                    "--config", $"{settings.ConfigDirectory.TrimEnd('/')}/{settings.ConfigKey}",
                                    "--urls", $"http://0.0.0.0:{Port}",
                                    "--ledger", "/var/lib/daalu/ledger.db",
                                ],
                                Env = env,
                                Ports = [new V1ContainerPort { Name = "http", ContainerPort = Port, Protocol = "TCP" }],
                                LivenessProbe = probe("/healthz", 5, 20),
                                ReadinessProbe = probe("/readyz", 2, 5),
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(settings.CpuRequest), ["memory"] = new(settings.MemoryRequest) },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(settings.CpuLimit), ["memory"] = new(settings.MemoryLimit) },
                                },
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    ReadOnlyRootFilesystem = true,
                                    RunAsNonRoot = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                },
                                VolumeMounts = mounts,
                            },
                        ],
                        Volumes = volumes,
                    },
                },
            },
        };
    }

    /// <summary>
    /// The claim holding the single replica's SQLite ledger and outbox (ReadWriteOnce), or null when the ledger is the
    /// shared PostgreSQL one. Not owned by anything the operator deletes: the books outlive the Deployment.
    /// </summary>
    public static V1PersistentVolumeClaim? BuildLedgerClaim(RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!RouterStorePlan.Decide(settings).LedgerOnClaim)
        {
            return null;
        }

        return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta { Name = settings.LedgerClaimName, NamespaceProperty = settings.RouterNamespace, Labels = Labels(settings) },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                StorageClassName = settings.LedgerStorageClass,
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(settings.LedgerStorageSize) } },
            },
        };
    }

    private static V1EnvVar FromSecret(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    /// <summary>The router's ClusterIP Service on port 80.</summary>
    public static V1Service BuildService(RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = settings.RouterName, NamespaceProperty = settings.RouterNamespace, Labels = Labels(settings) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = SelectorLabels(settings),
                Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
            },
        };
    }
}
