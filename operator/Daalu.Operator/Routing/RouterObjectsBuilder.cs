using Daalu.Operator.Children;
using k8s.Models;

namespace Daalu.Operator.Routing;

/// <summary>
/// Builds the router's ConfigMap, workload (a Deployment, or a StatefulSet with the PostgreSQL ledger) and Service (pure). The pod template carries neither the configuration
/// nor its hash: the router hot-reloads the mounted file, so a configuration change never restarts a pod. Only a
/// change of image, replicas, resources, Redis URL or the set of mounted Secrets changes the template.
/// The stores follow <see cref="RouterStorePlan"/>: Redis and PostgreSQL from Secrets (environment variables the router
/// reads), and without PostgreSQL the single replica's SQLite ledger on the PersistentVolumeClaim <see cref="BuildLedgerClaim"/>
/// (a Deployment); with PostgreSQL a StatefulSet whose every replica keeps its outbox on its own claim.
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

    /// <summary>Name of the volume (and mount) holding the router's ledger directory: the SQLite ledger and outbox, or only the outbox.</summary>
    public const string LedgerVolume = "ledger";

    /// <summary>
    /// Name of the StatefulSet's volumeClaimTemplate holding a replica's outbox; its claims are named
    /// <c>outbox-&lt;router&gt;-&lt;ordinal&gt;</c> (Kubernetes docs, StatefulSets, "Stable Storage").
    /// </summary>
    public const string OutboxClaimTemplate = "outbox";

    /// <summary>
    /// Seconds a StatefulSet router pod has between SIGTERM and SIGKILL (Kubernetes docs, "Pod Lifecycle", termination of
    /// Pods). The router drains requests, then makes its last flush to PostgreSQL (bounded by the router's shutdown
    /// flush budget, 10 s) and, with PostgreSQL unreachable, parks the rest in Redis: 45 s leave room for both after
    /// requests finish. The SQLite Deployment keeps 30 s: its ledger is on its claim, nothing is parked.
    /// </summary>
    public const int StatefulSetTerminationGracePeriodSeconds = 45;

    private const string LedgerDirectory = "/var/lib/daalu";

    /// <summary>
    /// The router Deployment of the SQLite mode (<see cref="RouterStorePlan.LedgerOnClaim"/>): one replica with the
    /// ledger on the claim <see cref="BuildLedgerClaim"/>, Recreate because the old pod holds the outbox lock and the
    /// ReadWriteOnce volume until it exits.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings name a PostgreSQL ledger: the router is then a StatefulSet (<see cref="BuildStatefulSet"/>).</exception>
    public static V1Deployment BuildDeployment(RoutingSettings settings, IReadOnlyList<MountedSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        var stores = RouterStorePlan.Decide(settings);
        if (stores.ReplicaClaims)
        {
            throw new InvalidOperationException("With a PostgreSQL ledger the router is a StatefulSet; see BuildStatefulSet.");
        }

        var template = BuildPodTemplate(settings, secrets);
        template.Spec.Volumes.Insert(1, new V1Volume
        {
            Name = LedgerVolume,
            PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = settings.LedgerClaimName },
        });
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = settings.RouterName, NamespaceProperty = settings.RouterNamespace, Labels = Labels(settings) },
            Spec = new V1DeploymentSpec
            {
                Replicas = stores.Replicas,
                Selector = new V1LabelSelector { MatchLabels = SelectorLabels(settings) },
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Template = template,
            },
        };
    }

    /// <summary>
    /// The router StatefulSet of the PostgreSQL mode (<see cref="RouterStorePlan.ReplicaClaims"/>), after the
    /// Kubernetes docs (concepts/workloads/controllers/statefulset):
    /// <list type="bullet">
    /// <item>volumeClaimTemplates: each replica gets its own claim <c>outbox-&lt;router&gt;-&lt;ordinal&gt;</c> for its
    /// outbox; "deleting and/or scaling a StatefulSet down will not delete the volumes associated with the
    /// StatefulSet", and a pod rescheduled or rolled comes back with the same ordinal on the same claim
    /// ("Stable Storage"), so what it had not flushed to PostgreSQL is flushed by its successor.</item>
    /// <item>persistentVolumeClaimRetentionPolicy Retain/Retain ("PersistentVolumeClaim retention"): a claim outlives a
    /// scale-down and the StatefulSet's deletion; the router also parks unflushed records in Redis at shutdown when
    /// PostgreSQL is down, so a replica that is scaled away does not strand its records on a claim nobody mounts.</item>
    /// <item>podManagementPolicy Parallel ("Parallel Pod Management"): replicas share nothing on the pod level, so
    /// scaling need not wait for lower ordinals to be Ready; it "only affects the behavior for scaling operations",
    /// updates still go one pod at a time.</item>
    /// <item>updateStrategy RollingUpdate ("Rolling Updates"): pods are replaced one at a time from the highest
    /// ordinal, each after its predecessor is Running and Ready.</item>
    /// <item>serviceName: the router's Service (the governing Service is required by apps/v1 and immutable; the
    /// router needs no per-pod DNS, so it is not headless).</item>
    /// </list>
    /// The selector and pod labels are the Deployment's, so the Service selects the pods of either, and a Deployment
    /// left by an older operator keeps serving until the StatefulSet's pods are Ready (the reconciler then deletes it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings name no PostgreSQL ledger: the router is then a Deployment (<see cref="BuildDeployment"/>).</exception>
    public static V1StatefulSet BuildStatefulSet(RoutingSettings settings, IReadOnlyList<MountedSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        var stores = RouterStorePlan.Decide(settings);
        if (!stores.ReplicaClaims)
        {
            throw new InvalidOperationException("Without a PostgreSQL ledger the router is a Deployment on one claim; see BuildDeployment.");
        }

        var template = BuildPodTemplate(settings, secrets);
        template.Spec.Containers[0].VolumeMounts.Single(m => m.Name == LedgerVolume).Name = OutboxClaimTemplate;
        template.Spec.TerminationGracePeriodSeconds = StatefulSetTerminationGracePeriodSeconds;
        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = settings.RouterName, NamespaceProperty = settings.RouterNamespace, Labels = Labels(settings) },
            Spec = new V1StatefulSetSpec
            {
                Replicas = stores.Replicas,
                ServiceName = settings.RouterName,
                Selector = new V1LabelSelector { MatchLabels = SelectorLabels(settings) },
                PodManagementPolicy = "Parallel",
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate" },
                PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Retain", WhenScaled = "Retain" },
                Template = template,
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = OutboxClaimTemplate, Labels = Labels(settings) },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            StorageClassName = settings.LedgerStorageClass,
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(settings.LedgerStorageSize) } },
                        },
                    },
                ],
            },
        };
    }

    // The pod template both workloads share: configuration, keys, stores from Secrets, probes, the restricted security
    // context. The ledger directory's volume is the workload's: the named claim (Deployment) or the claim template
    // (StatefulSet).
    private static V1PodTemplateSpec BuildPodTemplate(RoutingSettings settings, IReadOnlyList<MountedSecret> secrets)
    {
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

        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "config", MountPath = settings.ConfigDirectory, ReadOnlyProperty = true },
            new() { Name = LedgerVolume, MountPath = LedgerDirectory },
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

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = Labels(settings) },
            Spec = new V1PodSpec
            {
                ServiceAccountName = settings.RouterName,
                AutomountServiceAccountToken = false,
                TerminationGracePeriodSeconds = 30,
                SecurityContext = RestrictedPodSecurity.NonRoot(65532, fsGroup: true),
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
                            "--ledger", $"{LedgerDirectory}/ledger.db",
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
