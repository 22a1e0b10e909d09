using System.Globalization;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Planning;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>Builds the vLLM Deployment and Service for a ModelServing from its VRAM plan.</summary>
public static class VllmBuilder
{
    /// <summary>The port vLLM listens on.</summary>
    public const int Port = 8000;

    /// <summary>Where the cache volume is mounted (HF_HOME lives below it).</summary>
    public const string CacheDirectory = "/cache";

    /// <summary>Annotation on the Deployment naming the operator version that last wrote it.</summary>
    public const string OperatorVersionAnnotation = "ai.daalu.io/operator-version";

    /// <summary>Where pre-staged weights (PVC or host path) are mounted, read-only.</summary>
    public const string ModelsDirectory = "/models";

    /// <summary>
    /// Readiness: the served name must be listed on /v1/models. /health answers 200 as soon as the HTTP server is up
    /// and can stay 200 while the engine is hung, and an httpGet probe can only check the status code, not that the
    /// model is in the list; an exec probe with the image's own Python can. The served name is passed as an argument,
    /// never spliced into the script.
    /// </summary>
    public const string ReadinessScript =
        "import json,sys,urllib.request\n" +
        "d=json.load(urllib.request.urlopen('http://127.0.0.1:8000/v1/models',timeout=4))\n" +
        "sys.exit(0 if any(m.get('id')==sys.argv[1] for m in d.get('data',[])) else 1)";

    /// <summary>
    /// Labels that select one ModelServing's pods. The name is a label value, so a name longer than 63 characters is
    /// cut and ends in a hash of the full name (<see cref="ChildNames.LabelValue"/>).
    /// </summary>
    public static Dictionary<string, string> SelectorLabels(string modelServingName) => new()
    {
        ["app.kubernetes.io/name"] = "vllm",
        [WellKnown.ModelServingLabel] = ChildNames.LabelValue(modelServingName),
    };

    /// <summary>The controller owner reference every child of <paramref name="owner"/> carries.</summary>
    public static V1OwnerReference OwnerReference(ModelServing owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = ApiGroup.ApiVersion,
            Kind = "ModelServing",
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>The vLLM command-line arguments for a plan.</summary>
    public static List<string> Arguments(ModelServing modelServing, VramPlan plan)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        ArgumentNullException.ThrowIfNull(plan);
        var spec = modelServing.Spec;
        var engine = spec.Engine ?? new EngineSettings();
        var servedName = plan.ModelId ?? throw new ArgumentException("the plan has no model", nameof(plan));
        var args = new List<string>
        {
            "--model", ModelPath(spec.Weights, servedName),
            "--served-model-name", servedName,
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--max-model-len", plan.MaxContext.ToString(CultureInfo.InvariantCulture),
            "--gpu-memory-utilization", engine.GpuMemoryUtilization.ToString("0.###", CultureInfo.InvariantCulture),
            "--tensor-parallel-size", Math.Max(1, engine.TensorParallelSize).ToString(CultureInfo.InvariantCulture),
        };

        // Concurrency the KV cache can hold (VramPlanner.PlanMaxNumSeqs); unchecked plans keep vLLM's default, and a
        // --max-num-seqs among the extra args is the user's choice (lower only lowers the profiled peak).
        if (plan.MaxNumSeqs > 0 && engine.ExtraArgs?.Any(a => a == "--max-num-seqs" || a.StartsWith("--max-num-seqs=", StringComparison.Ordinal)) != true)
        {
            args.Add("--max-num-seqs");
            args.Add(plan.MaxNumSeqs.ToString(CultureInfo.InvariantCulture));
        }

        // A pre-quantised checkpoint declares its format in config.json and vLLM then picks the fastest kernel (e.g.
        // awq_marlin); forcing --quantization awq would select the slower one. So the flag is passed only when the user
        // asked for a format explicitly, which is also the only way to get dynamic FP8 on a 16-bit checkpoint.
        if (Models.Quantizations.Normalise(engine.Quantization) is { } quantization)
        {
            args.Add("--quantization");
            args.Add(quantization);
        }

        // An embedding model runs on vLLM's pooling runner. The image the operator deploys (vllm-openai v0.11.0,
        // ModelServingSpec's default) takes --runner pooling; --task embed is the spelling of v0.10.0 and earlier
        // (https://docs.vllm.ai/en/v0.10.1.1/models/pooling_models.html, "Model Runner": "Run a model in pooling mode
        // via the option --runner pooling"; v0.10.0's page still documents --task). A --runner or --task among the extra
        // args is the user's choice (e.g. an older image). Tool calling is a chat feature, so no parser then.
        if (spec.Embedding)
        {
            if (engine.ExtraArgs?.Any(a => IsFlag(a, "--runner") || IsFlag(a, "--task")) != true)
            {
                args.Add("--runner");
                args.Add("pooling");
            }
        }
        else if (plan.Model?.ToolCallParser is { } parser)
        {
            args.Add("--enable-auto-tool-choice");
            args.Add("--tool-call-parser");
            args.Add(parser);
        }

        // A Hub revision (branch, tag or commit): vLLM's --revision ("The specific model version to use. It can be a
        // branch name, a tag name, or a commit id", https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html). Only for
        // Hub downloads: pre-staged weights are read from their directory as they are.
        if (spec.Weights?.HuggingFace?.Revision is { Length: > 0 } revision && spec.Weights.Pvc is null && spec.Weights.HostPath is null)
        {
            args.Add("--revision");
            args.Add(revision);
        }

        args.AddRange(engine.ExtraArgs ?? []);
        return args;
    }

    private static bool IsFlag(string arg, string flag) =>
        arg == flag || arg.StartsWith(flag + "=", StringComparison.Ordinal);

    /// <summary>
    /// Whether the model cache is a PersistentVolumeClaim: spec.cache.type, else a claim for Hugging Face downloads and
    /// an emptyDir when the weights are pre-staged (a PVC or host path: nothing is downloaded).
    /// </summary>
    public static bool CacheOnClaim(ModelServingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Cache?.Type switch
        {
            ModelCacheTypes.Pvc => true,
            ModelCacheTypes.EmptyDir => false,
            _ => spec.Weights?.Pvc is null && spec.Weights?.HostPath is null,
        };
    }

    /// <summary>The cache claim's name: the vLLM children's name with a -cache suffix.</summary>
    public static string CacheClaimName(ModelServing modelServing)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        return ChildNames.ForModelServing(modelServing.Metadata.Name) + "-cache";
    }

    /// <summary>
    /// The model cache claim (ReadWriteOnce, owned by the ModelServing so it goes when the ModelServing goes, and survives
    /// every pod replacement before that), or null when the cache is an emptyDir. Its size is fixed when it is made.
    /// </summary>
    public static V1PersistentVolumeClaim? BuildCacheClaim(ModelServing modelServing, VramPlan plan)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        ArgumentNullException.ThrowIfNull(plan);
        var spec = modelServing.Spec;
        if (!CacheOnClaim(spec))
        {
            return null;
        }

        return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta
            {
                Name = CacheClaimName(modelServing),
                NamespaceProperty = modelServing.Metadata.NamespaceProperty,
                Labels = Labels(modelServing.Metadata.Name),
                OwnerReferences = [OwnerReference(modelServing)],
            },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                StorageClassName = string.IsNullOrEmpty(spec.Cache?.StorageClassName) ? null : spec.Cache.StorageClassName,
                Resources = new V1VolumeResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(VllmResources.CacheSize(spec, plan.WeightsGiB)) },
                },
            },
        };
    }

    /// <summary>
    /// The desired Deployment, hash-stamped. <paramref name="operatorVersion"/> is written as an annotation on the
    /// Deployment object only: an upgraded operator rewrites that annotation, and the pod template (whose hash decides
    /// whether the Deployment controller replaces the pods) stays the same unless the desired pod really changed.
    /// </summary>
    public static V1Deployment BuildDeployment(ModelServing modelServing, VramPlan plan, Placement placement, string? operatorVersion = null)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(placement);
        var name = ChildNames.ForModelServing(modelServing.Metadata.Name);
        var engine = modelServing.Spec.Engine ?? new EngineSettings();
        var onClaim = CacheOnClaim(modelServing.Spec);
        var labels = Labels(modelServing.Metadata.Name);
        var selector = SelectorLabels(modelServing.Metadata.Name);
        var servedName = plan.ModelId!;
        var (weightVolumes, weightMounts, weightEnv) = Weights(modelServing.Spec.Weights);

        var env = new List<V1EnvVar>
        {
            // The image's default cache (~/.cache) is not writable for a non-root user; everything writable lives on
            // the cache volume. USER is set because torch derives cache paths from getpass.getuser().
            new() { Name = "HOME", Value = CacheDirectory },
            new() { Name = "USER", Value = "vllm" },
            new() { Name = "XDG_CACHE_HOME", Value = CacheDirectory },
            new() { Name = "HF_HOME", Value = CacheDirectory + "/huggingface" },
        };
        env.AddRange(weightEnv);

        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = modelServing.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = operatorVersion is null ? null : new Dictionary<string, string> { [OperatorVersionAnnotation] = operatorVersion },
                OwnerReferences = [OwnerReference(modelServing)],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                RevisionHistoryLimit = 3,
                // A model load can take most of an hour on a slow link; a rollout is not "stuck" before that.
                ProgressDeadlineSeconds = 3600,
                // The GPU is the scarce resource: a surge pod could never schedule next to the old one.
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec
                    {
                        NodeSelector = placement.NodeSelector(),
                        RuntimeClassName = placement.RuntimeClassName,
                        Tolerations = [new V1Toleration { Key = WellKnown.GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }],
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        TerminationGracePeriodSeconds = 60,
                        SecurityContext = RestrictedPodSecurity.NonRoot(1000, fsGroup: true),
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "vllm",
                                Image = engine.Image,
                                // The module entry point takes --model on every vLLM version; `vllm serve` wants it positional.
                                Command = ["python3", "-m", "vllm.entrypoints.openai.api_server"],
                                Args = Arguments(modelServing, plan),
                                Ports = [new V1ContainerPort { Name = "http", ContainerPort = Port, Protocol = "TCP" }],
                                Env = env,
                                Resources = VllmResources.For(modelServing.Spec, plan.WeightsGiB, cacheOnEmptyDir: !onClaim),
                                // 180 x 10 s = 30 minutes for download + load + CUDA graph capture before liveness applies.
                                StartupProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" },
                                    PeriodSeconds = 10,
                                    FailureThreshold = 180,
                                    TimeoutSeconds = 5,
                                },
                                ReadinessProbe = new V1Probe
                                {
                                    Exec = new V1ExecAction { Command = ["python3", "-c", ReadinessScript, servedName] },
                                    PeriodSeconds = 10,
                                    FailureThreshold = 3,
                                    TimeoutSeconds = 5,
                                },
                                LivenessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" },
                                    PeriodSeconds = 15,
                                    FailureThreshold = 4,
                                    TimeoutSeconds = 5,
                                },
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                    // Not read-only: torch, Triton and FlashInfer JIT-compile kernels into temp and cache paths.
                                    ReadOnlyRootFilesystem = false,
                                },
                                VolumeMounts =
                                [
                                    new V1VolumeMount { Name = "cache", MountPath = CacheDirectory },
                                    new V1VolumeMount { Name = "dshm", MountPath = "/dev/shm" },
                                    .. weightMounts,
                                ],
                            },
                        ],
                        Volumes =
                        [
                            // The cache (HF_HOME) on a claim survives pod replacement: no 10-30 GB download on every restart.
                            onClaim
                                ? new V1Volume { Name = "cache", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = CacheClaimName(modelServing) } }
                                : new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() },
                            // NCCL and PyTorch workers exchange tensors through /dev/shm; the runtime's 64 MiB default is too small.
                            new V1Volume { Name = "dshm", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } },
                            .. weightVolumes,
                        ],
                    },
                },
            },
        };
        SpecHash.Stamp(deployment);
        return deployment;
    }

    /// <summary>The desired ClusterIP Service in front of the vLLM pod, hash-stamped.</summary>
    public static V1Service BuildService(ModelServing modelServing)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta
            {
                Name = ChildNames.ForModelServing(modelServing.Metadata.Name),
                NamespaceProperty = modelServing.Metadata.NamespaceProperty,
                Labels = Labels(modelServing.Metadata.Name),
                OwnerReferences = [OwnerReference(modelServing)],
            },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = SelectorLabels(modelServing.Metadata.Name),
                Ports = [new V1ServicePort { Name = "http", Port = Port, TargetPort = "http", Protocol = "TCP" }],
            },
        };
        SpecHash.Stamp(service);
        return service;
    }

    /// <summary>The in-cluster base URL of a ModelServing's Service (what the router and the detector call).</summary>
    public static string ServiceUrl(ModelServing modelServing)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        return $"http://{ChildNames.ForModelServing(modelServing.Metadata.Name)}.{modelServing.Metadata.NamespaceProperty}.svc:{Port}";
    }

    private static Dictionary<string, string> Labels(string modelServingName)
    {
        var labels = SelectorLabels(modelServingName);
        labels[WellKnown.ManagedByLabel] = WellKnown.ManagedByValue;
        labels["app.kubernetes.io/instance"] = ChildNames.LabelValue(modelServingName);
        return labels;
    }

    /// <summary>The directory vLLM loads pre-staged weights from: the volume's mount, or the claim's subPath below it.</summary>
    public static string PrestagedDirectory(WeightsSource weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var sub = weights.Pvc?.SubPath?.Trim('/');
        return string.IsNullOrEmpty(sub) ? ModelsDirectory : $"{ModelsDirectory}/{sub}";
    }

    /// <summary>The pre-staged weights volume (a read-only claim or a host directory), or throws when there is none.</summary>
    public static V1Volume WeightsVolume(WeightsSource weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Pvc is { } pvc)
        {
            return new V1Volume { Name = "weights", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = pvc.ClaimName, ReadOnlyProperty = true } };
        }

        return weights.HostPath is { } hostPath
            ? new V1Volume { Name = "weights", HostPath = new V1HostPathVolumeSource { Path = hostPath.Path, Type = "Directory" } }
            : throw new ArgumentException("the weights are not pre-staged", nameof(weights));
    }

    /// <summary>The read-only mount of <see cref="WeightsVolume"/> at <see cref="ModelsDirectory"/>.</summary>
    public static V1VolumeMount WeightsMount() => new() { Name = "weights", MountPath = ModelsDirectory, ReadOnlyProperty = true };

    private static string ModelPath(WeightsSource? weights, string modelId) =>
        weights?.Pvc is not null || weights?.HostPath is not null ? PrestagedDirectory(weights) : modelId;

    private static (List<V1Volume> Volumes, List<V1VolumeMount> Mounts, List<V1EnvVar> Env) Weights(WeightsSource? weights)
    {
        if (weights?.Pvc is not null || weights?.HostPath is not null)
        {
            // Pre-staged weights: never reach out to the Hub (air-gapped clusters, no surprise downloads).
            return ([WeightsVolume(weights)], [WeightsMount()], [new V1EnvVar { Name = "HF_HUB_OFFLINE", Value = "1" }]);
        }

        if (weights?.HuggingFace?.TokenSecretRef is { } token)
        {
            return ([], [], [new V1EnvVar
            {
                Name = "HF_TOKEN",
                ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = token.Name, Key = token.Key } },
            }]);
        }

        return ([], [], []);
    }
}
