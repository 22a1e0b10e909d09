using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Daalu.Api.Schema;
using Daalu.Contracts;
using k8s.Models;

namespace Daalu.Api.V1Alpha1;

/// <summary>
/// ModelServing runs one model with vLLM on a GpuNode (or on any node of a GPU class), or declares an existing
/// OpenAI-compatible endpoint reached over a tunnel. The operator checks that the model fits the card, deploys it,
/// and detects which models the server actually serves.
/// </summary>
[CustomResource("ModelServing", "modelservings", ResourceScope.Namespaced, ShortNames = ["ms", "msv"])]
[PrinterColumn(0, "Class", "string", ".status.gpuClass")]
[PrinterColumn(1, "Model", "string", ".status.resolvedModel")]
[PrinterColumn(2, "Phase", "string", ".status.phase")]
[PrinterColumn(3, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn(4, "Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason")]
[PrinterColumn(5, "Served", "string", ".status.servedModels[*].id", Description = "Models the server lists on /v1/models")]
[PrinterColumn(6, "Endpoint", "string", ".status.endpoint", Priority = 1)]
[PrinterColumn(7, "Purpose", "string", ".spec.purpose", Priority = 1)]
[PrinterColumn(8, "MaxContext", "integer", ".status.fit.maxContext", Priority = 1)]
[PrinterColumn(9, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = "ModelServing", PluralName = "modelservings")]
public sealed class ModelServing : CustomResource<ModelServingSpec, ModelServingStatus>
{
    /// <summary>Creates an empty ModelServing with its kind set.</summary>
    public ModelServing() => Kind = "ModelServing";
}

/// <summary>The desired state of a ModelServing.</summary>
[CelRule("[has(self.gpuNode) && self.gpuNode != '', has(self.gpuClass) && self.gpuClass != '', has(self.endpoint)].filter(x, x).size() == 1", "exactly one of gpuNode, gpuClass or endpoint must be set")]
[CelRule("!has(self.endpoint) || !has(self.weights)", "weights do not apply to an endpoint: the remote server already has its model")]
[CelRule("!has(self.endpoint) || (has(self.model) && self.model != '')", "an endpoint needs spec.model: the model the remote server serves")]
[CelRule("!has(self.embedding) || !self.embedding || (has(self.model) && self.model != '')", "an embedding model needs spec.model: the catalog's defaults are chat models")]
public sealed class ModelServingSpec
{
    /// <summary>Name of the GpuNode to run on (one of gpuNode, gpuClass or endpoint).</summary>
    [MaxLength(253)]
    [JsonPropertyName("gpuNode")]
    public string? GpuNode { get; set; }

    /// <summary>Run on any ready GpuNode of this class (one of gpuNode, gpuClass or endpoint).</summary>
    [MaxLength(32)]
    [EnumValues(GpuClasses.Rtx2000Ada, GpuClasses.Rtx6000Ada)]
    [JsonPropertyName("gpuClass")]
    public string? GpuClass { get; set; }

    /// <summary>An existing OpenAI-compatible server reached over a tunnel (one of gpuNode, gpuClass or endpoint): no Deployment, only health and model detection.</summary>
    [JsonPropertyName("endpoint")]
    public ModelEndpoint? Endpoint { get; set; }

    /// <summary>Hugging Face model id, e.g. Qwen/Qwen2.5-Coder-14B-Instruct-AWQ. Empty picks the best tested default that fits the card for the purpose.</summary>
    [MaxLength(256)]
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>What the model is for: general or coding. Coding models are never replaced by external models.</summary>
    [EnumValues(ModelPurposes.General, ModelPurposes.Coding)]
    [Schema(DefaultJson = "\"general\"")]
    [JsonPropertyName("purpose")]
    public string Purpose { get; set; } = ModelPurposes.General;

    /// <summary>
    /// Serve the model as an embedding model: vLLM runs it with its pooling runner (/v1/embeddings, no chat), and the
    /// router sends embedding requests only to models declared this way (and never chat to them). Needs spec.model.
    /// </summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("embedding")]
    public bool Embedding { get; set; }

    /// <summary>Where the weights come from; Hugging Face without a token when omitted.</summary>
    [JsonPropertyName("weights")]
    public WeightsSource? Weights { get; set; }

    /// <summary>vLLM engine settings.</summary>
    [Schema(DefaultJson = "{}")]
    [JsonPropertyName("engine")]
    public EngineSettings Engine { get; set; } = new();

    /// <summary>Also serve the hosted pool from this model (requires the GpuNode to share).</summary>
    [Schema(DefaultJson = "false")]
    [JsonPropertyName("shared")]
    public bool Shared { get; set; }

    /// <summary>
    /// Tenant this model serves. Empty: with gpuNode, the GpuNode's tenant; with gpuClass, the hosted pool, placed only on
    /// operator-run (empty tenant) or sharing GpuNodes. A tenant's model is placed on its own GpuNodes or on sharing ones.
    /// </summary>
    [MaxLength(TenantNames.MaxLength)]
    [RegularExpression(TenantNames.PatternOrEmpty)]
    [JsonPropertyName("tenant")]
    public string? Tenant { get; set; }

    /// <summary>CPU, memory and ephemeral-storage requests of the vLLM pod; each omitted one is derived from the model size.</summary>
    [JsonPropertyName("resources")]
    public PodResources? Resources { get; set; }

    /// <summary>Where downloaded weights are kept (HF_HOME); a PersistentVolumeClaim per ModelServing unless set otherwise.</summary>
    [JsonPropertyName("cache")]
    public ModelCache? Cache { get; set; }
}

/// <summary>An existing OpenAI-compatible server.</summary>
public sealed class ModelEndpoint
{
    /// <summary>Base URL of the server, up to but not including /v1, e.g. http://10.8.0.2:8000.</summary>
    [Required]
    [RegularExpression("^https?://[^\\s/$.?#].[^\\s]*$")]
    [MaxLength(2048)]
    [JsonPropertyName("url")]
    public string Url { get; set; } = string.Empty;

    /// <summary>Bearer key the server expects, if any.</summary>
    [JsonPropertyName("apiKeySecretRef")]
    public SecretKeyReference? ApiKeySecretRef { get; set; }

    /// <summary>GPU class behind the endpoint, for the model-fit report; optional.</summary>
    [EnumValues(GpuClasses.Rtx2000Ada, GpuClasses.Rtx6000Ada)]
    [JsonPropertyName("gpuClass")]
    public string? GpuClass { get; set; }

    /// <summary>Tenant whose GPU this is; empty means hosted capacity.</summary>
    [MaxLength(TenantNames.MaxLength)]
    [RegularExpression(TenantNames.PatternOrEmpty)]
    [JsonPropertyName("tenant")]
    public string? Tenant { get; set; }
}

/// <summary>Where model weights come from. Exactly one source.</summary>
[CelRule("[has(self.huggingFace), has(self.pvc), has(self.hostPath)].filter(x, x).size() == 1", "weights must name exactly one of huggingFace, pvc or hostPath")]
public sealed class WeightsSource
{
    /// <summary>Download from Hugging Face into the cache volume.</summary>
    [JsonPropertyName("huggingFace")]
    public HuggingFaceSource? HuggingFace { get; set; }

    /// <summary>Weights pre-staged on a PersistentVolumeClaim in this namespace.</summary>
    [JsonPropertyName("pvc")]
    public PvcSource? Pvc { get; set; }

    /// <summary>Weights pre-staged on the node's filesystem.</summary>
    [JsonPropertyName("hostPath")]
    public HostPathSource? HostPath { get; set; }
}

/// <summary>Hugging Face download settings.</summary>
[CelRule("!has(self.revision) || !self.revision.contains('..') && !self.revision.contains('//')", "revision must be a branch, tag or commit: no '..' or '//'", FieldPath = ".revision")]
public sealed class HuggingFaceSource
{
    /// <summary>Secret key holding HF_TOKEN for gated models. Never copied into logs or status.</summary>
    [JsonPropertyName("tokenSecretRef")]
    public SecretKeyReference? TokenSecretRef { get; set; }

    /// <summary>
    /// Branch, tag or commit of the Hub repository (vLLM's --revision; the operator reads config.json at the same
    /// revision). Omitted: the repository's default branch, main. Pin a commit so a new push cannot change a running model.
    /// </summary>
    [MaxLength(HubRevisions.MaxLength)]
    [RegularExpression(HubRevisions.Pattern)]
    [JsonPropertyName("revision")]
    public string? Revision { get; set; }
}

/// <summary>Weights on a PersistentVolumeClaim.</summary>
public sealed class PvcSource
{
    /// <summary>Name of the claim in this namespace.</summary>
    [Required]
    [MinLength(1)]
    [JsonPropertyName("claimName")]
    public string ClaimName { get; set; } = string.Empty;

    /// <summary>Directory inside the volume that holds the model.</summary>
    [JsonPropertyName("subPath")]
    public string? SubPath { get; set; }
}

/// <summary>Weights in a directory on the node.</summary>
public sealed class HostPathSource
{
    /// <summary>Absolute path on the node.</summary>
    [Required]
    [RegularExpression("^/.*")]
    [JsonPropertyName("path")]
    public string Path { get; set; } = string.Empty;
}

/// <summary>vLLM engine settings.</summary>
public sealed class EngineSettings
{
    /// <summary>vLLM OpenAI server image.</summary>
    [MinLength(1)]
    [Schema(DefaultJson = "\"vllm/vllm-openai:v0.11.0\"")]
    [JsonPropertyName("image")]
    public string Image { get; set; } = DefaultImage;

    /// <summary>Context length passed as --max-model-len; 0 or omitted means the largest that fits.</summary>
    [Range(0, 1048576)]
    [JsonPropertyName("maxModelLen")]
    public int? MaxModelLen { get; set; }

    /// <summary>
    /// Fraction of GPU memory vLLM may use (--gpu-memory-utilization). At most 0.95: vLLM needs the CUDA context and
    /// its CUDA graphs beside this share; the operator refuses a value the card cannot start with
    /// (status.fit.maxGpuMemoryUtilization).
    /// </summary>
    [Range(0.1, 0.95)]
    [Schema(DefaultJson = "0.9")]
    [JsonPropertyName("gpuMemoryUtilization")]
    public double GpuMemoryUtilization { get; set; } = 0.9;

    /// <summary>Weight quantisation (--quantization); none means the checkpoint's own dtype.</summary>
    [EnumValues("none", "awq", "gptq", "fp8")]
    [JsonPropertyName("quantization")]
    public string? Quantization { get; set; }

    /// <summary>GPUs per replica (--tensor-parallel-size).</summary>
    [Range(1, 8)]
    [Schema(DefaultJson = "1")]
    [JsonPropertyName("tensorParallelSize")]
    public int TensorParallelSize { get; set; } = 1;

    /// <summary>
    /// Extra vLLM arguments appended verbatim. Flags the operator sets from the plan and the spec (--model,
    /// --served-model-name, --host, --port, --max-model-len, --gpu-memory-utilization, --tensor-parallel-size / -tp)
    /// are refused in any spelling vLLM accepts (--flag, --flag=value, underscores for dashes).
    /// </summary>
    [Schema(MaxItems = 64, MaxItemLength = 4096)]
    [CelRule(ManagedFlagsRule, "extraArgs may not set --model, --served-model-name, --host, --port, --max-model-len, --gpu-memory-utilization or --tensor-parallel-size (-tp): the operator sets them from the spec and the VRAM plan; use spec.model, spec.engine.maxModelLen, spec.engine.gpuMemoryUtilization or spec.engine.tensorParallelSize")]
    [CelRule("self.all(a, !a.matches('^--revision(=.*)?$'))", "extraArgs may not set --revision: use spec.weights.huggingFace.revision, so that the operator reads config.json at the revision vLLM loads")]
    [JsonPropertyName("extraArgs")]
    public List<string> ExtraArgs { get; set; } = [];

    /// <summary>The image used when none is given.</summary>
    public const string DefaultImage = "vllm/vllm-openai:v0.11.0";

    // vLLM's FlexibleArgumentParser turns '_' into '-' in a "--" flag name before argparse sees it, and argparse takes
    // "--flag=value" as well as "--flag value" (vllm/utils/argparse_utils.py, parse_args); "-tp" is the short alias of
    // --tensor-parallel-size (vllm/engine/arg_utils.py). Anything that only starts like a managed flag (--model-impl,
    // --port-range) stays allowed.
    private const string ManagedFlagsRule =
        "self.all(a, !a.matches('^(--(model|served[-_]model[-_]name|host|port|max[-_]model[-_]len|gpu[-_]memory[-_]utilization|tensor[-_]parallel[-_]size)|-tp)(=.*)?$'))";
}

/// <summary>The observed state of a ModelServing.</summary>
public sealed class ModelServingStatus
{
    /// <summary>The .metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    /// <summary>Pending, Deploying, Ready, Degraded or Failed.</summary>
    [EnumValues(ModelServingPhases.Pending, ModelServingPhases.Deploying, ModelServingPhases.Ready, ModelServingPhases.Degraded, ModelServingPhases.Failed)]
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>The model that runs (spec.model, or the default chosen for the card).</summary>
    [JsonPropertyName("resolvedModel")]
    public string? ResolvedModel { get; set; }

    /// <summary>The GPU class the model was planned for.</summary>
    [JsonPropertyName("gpuClass")]
    public string? GpuClass { get; set; }

    /// <summary>The node the server runs on.</summary>
    [JsonPropertyName("nodeName")]
    public string? NodeName { get; set; }

    /// <summary>Why the model fits (or does not): weights and KV cache against card memory.</summary>
    [JsonPropertyName("fit")]
    public ModelFit? Fit { get; set; }

    /// <summary>Base URL the router calls, e.g. http://ms-qwen.team-a.svc:8000.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>Models the server lists on /v1/models, detected by polling.</summary>
    [Schema(ListType = "map", ListMapKeys = ["id"])]
    [JsonPropertyName("servedModels")]
    public List<ServedModel> ServedModels { get; set; } = [];

    /// <summary>
    /// What an inspection Pod read from pre-staged weights (a PVC or host path): kept so the files are read once per
    /// weights source, not on every reconcile.
    /// </summary>
    [JsonPropertyName("weightsInspection")]
    public WeightsInspection? WeightsInspection { get; set; }

    /// <summary>Ready, ModelDoesNotFit and other conditions.</summary>
    [Schema(ListType = "map", ListMapKeys = ["type"])]
    [JsonPropertyName("conditions")]
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>
/// The figures an inspection Pod read from pre-staged weights: the config.json fields the VRAM planner uses and the
/// checkpoint size (model.safetensors.index.json metadata.total_size), as the compact JSON the Pod printed.
/// </summary>
public sealed class WeightsInspection
{
    /// <summary>The weights source read: pvc:&lt;claim&gt;[/&lt;subPath&gt;] or hostPath:&lt;node&gt;:&lt;path&gt;. A different source is read again.</summary>
    [MaxLength(1024)]
    [JsonPropertyName("source")]
    public string Source { get; set; } = string.Empty;

    /// <summary>The summary JSON: {"config":{...},"totalSize":N}.</summary>
    [MaxLength(4096)]
    [JsonPropertyName("summary")]
    public string Summary { get; set; } = string.Empty;
}

/// <summary>
/// The VRAM plan for a model on a card, per GPU, in vLLM's own accounting: availableGiB (gpuMemoryUtilization x
/// cudaTotalGiB) - weightsGiB - overheadGiB (activationGiB + nonTorchGiB + marginGiB) = kvBudgetGiB, which holds
/// kvCacheTokens; maxContext must fit it (vLLM refuses to start otherwise).
/// </summary>
public sealed class ModelFit
{
    /// <summary>Where the model's figures came from: catalog, huggingface:&lt;repo&gt;@&lt;revision&gt;, pvc:&lt;claim&gt;[/&lt;subPath&gt;] or hostPath:&lt;node&gt;:&lt;path&gt; (read by an inspection Pod).</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }

    /// <summary>Memory CUDA reports for one card, in GiB (below the NVML total in nvidia.com/gpu.memory).</summary>
    [JsonPropertyName("cudaTotalGiB")]
    public double CudaTotalGiB { get; set; }

    /// <summary>cudaTotalGiB times gpuMemoryUtilization: what vLLM may use, in GiB.</summary>
    [JsonPropertyName("availableGiB")]
    public double AvailableGiB { get; set; }

    /// <summary>Weights held after loading, in GiB.</summary>
    [JsonPropertyName("weightsGiB")]
    public double WeightsGiB { get; set; }

    /// <summary>Weights held at the peak of loading, in GiB (the 16-bit checkpoint for online FP8).</summary>
    [JsonPropertyName("loadPeakGiB")]
    public double LoadPeakGiB { get; set; }

    /// <summary>Profiled activation peak (forward pass and sampler), in GiB.</summary>
    [JsonPropertyName("activationGiB")]
    public double ActivationGiB { get; set; }

    /// <summary>Non-torch memory inside the budget, in GiB.</summary>
    [JsonPropertyName("nonTorchGiB")]
    public double NonTorchGiB { get; set; }

    /// <summary>The planner's safety margin, in GiB.</summary>
    [JsonPropertyName("marginGiB")]
    public double MarginGiB { get; set; }

    /// <summary>activationGiB + nonTorchGiB + marginGiB.</summary>
    [JsonPropertyName("overheadGiB")]
    public double OverheadGiB { get; set; }

    /// <summary>What is left for the KV cache, in GiB.</summary>
    [JsonPropertyName("kvBudgetGiB")]
    public double KvBudgetGiB { get; set; }

    /// <summary>Tokens the KV cache holds (vLLM's "GPU KV cache size").</summary>
    [JsonPropertyName("kvCacheTokens")]
    public long KvCacheTokens { get; set; }

    /// <summary>KV cache one sequence of maxContext tokens needs, in GiB.</summary>
    [JsonPropertyName("kvCacheGiB")]
    public double KvCacheGiB { get; set; }

    /// <summary>The largest context that fits, passed as --max-model-len.</summary>
    [JsonPropertyName("maxContext")]
    public int MaxContext { get; set; }

    /// <summary>Concurrent sequences planned from the KV budget, passed as --max-num-seqs.</summary>
    [JsonPropertyName("maxNumSeqs")]
    public int MaxNumSeqs { get; set; }

    /// <summary>Sequences of maxContext tokens the KV cache holds at once (vLLM's "Maximum concurrency").</summary>
    [JsonPropertyName("concurrency")]
    public double Concurrency { get; set; }

    /// <summary>The highest gpuMemoryUtilization vLLM can start with on this card.</summary>
    [JsonPropertyName("maxGpuMemoryUtilization")]
    public double MaxGpuMemoryUtilization { get; set; }

    /// <summary>Whether the model fits.</summary>
    [JsonPropertyName("fits")]
    public bool Fits { get; set; }
}

/// <summary>One entry of a server's /v1/models list.</summary>
public sealed class ServedModel
{
    /// <summary>The served name (the id clients send as model).</summary>
    [Required]
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    /// <summary>The weights' id or path.</summary>
    [JsonPropertyName("root")]
    public string? Root { get; set; }

    /// <summary>Context length the server accepts.</summary>
    [JsonPropertyName("maxModelLen")]
    public int? MaxModelLen { get; set; }
}

/// <summary>The phases of a ModelServing.</summary>
public static class ModelServingPhases
{
    /// <summary>Not planned yet, or waiting for its GpuNode.</summary>
    public const string Pending = "Pending";

    /// <summary>The Deployment exists and the model is loading.</summary>
    public const string Deploying = "Deploying";

    /// <summary>The server lists the model on /v1/models.</summary>
    public const string Ready = "Ready";

    /// <summary>It was ready and is not now.</summary>
    public const string Degraded = "Degraded";

    /// <summary>It cannot run as specified (see conditions).</summary>
    public const string Failed = "Failed";
}
