using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Children;
using Daalu.Operator.Detection;
using Daalu.Operator.Gpu;
using Daalu.Operator.Inspection;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;
using Daalu.Runtime;
using Daalu.Runtime.Events;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Status;
using Microsoft.Extensions.Logging;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Reconciles a ModelServing: finds its GpuNode (or a Ready GpuNode of its class), plans VRAM, keeps the vLLM
/// Deployment and Service, detects what the server lists on /v1/models, and writes status. In endpoint mode there are
/// no children: only detection. Children are owned, so deleting the ModelServing garbage-collects them.
/// </summary>
public sealed partial class ModelServingReconciler : IReconciler
{
    private readonly IKubernetes _client;
    private readonly IResourceCache<ModelServing> _modelServings;
    private readonly IResourceCache<GpuNode> _gpuNodes;
    private readonly IResourceCache<V1Deployment> _deployments;
    private readonly IResourceCache<V1Service> _services;
    private readonly IServedModelDetector _detector;
    private readonly IStatusWriter _status;
    private readonly IEventRecorder _events;
    private readonly IRuntimeClassProbe _runtimeClasses;
    private readonly OperatorSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IModelConfigSource _modelConfigs;

    /// <summary>Creates the reconciler over the informer caches it reads, the API it writes and the detection seam.</summary>
    public ModelServingReconciler(
        IKubernetes client,
        IInformer<ModelServing> modelServings,
        IInformer<GpuNode> gpuNodes,
        IInformer<V1Deployment> deployments,
        IInformer<V1Service> services,
        IServedModelDetector detector,
        IStatusWriter status,
        IEventRecorder events,
        IRuntimeClassProbe runtimeClasses,
        OperatorSettings settings,
        TimeProvider time,
        ILogger<ModelServingReconciler> logger,
        IModelConfigSource? modelConfigs = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _modelServings = (modelServings ?? throw new ArgumentNullException(nameof(modelServings))).Cache;
        _gpuNodes = (gpuNodes ?? throw new ArgumentNullException(nameof(gpuNodes))).Cache;
        _deployments = (deployments ?? throw new ArgumentNullException(nameof(deployments))).Cache;
        _services = (services ?? throw new ArgumentNullException(nameof(services))).Cache;
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _runtimeClasses = runtimeClasses ?? throw new ArgumentNullException(nameof(runtimeClasses));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _modelConfigs = modelConfigs ?? new ModelConfigReader(HubClient.Value, ModelConfigReader.EndpointFromEnvironment(), time);
    }

    // One client for every reconciler instance: configs are small and read rarely (the reader caches them).
    private static readonly Lazy<HttpClient> HubClient = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(20) });

    /// <summary>The ModelServings a GpuNode change can affect: those naming it, and those asking for its class.</summary>
    public static IEnumerable<ObjectKey> KeysForGpuNode(IResourceCache<ModelServing> modelServings, GpuNode gpuNode)
    {
        ArgumentNullException.ThrowIfNull(modelServings);
        ArgumentNullException.ThrowIfNull(gpuNode);
        // Runs on every GpuNode event against every ModelServing: read the cached objects in place (Keys with a
        // predicate copies nothing) instead of deep-copying the whole cache with List().
        var name = gpuNode.Metadata.Name;
        var gpuClass = gpuNode.Status?.GpuClass;
        var nodeName = gpuNode.Spec?.NodeName;
        return modelServings.Keys(m => m.Spec?.GpuNode == name
            || (!string.IsNullOrEmpty(m.Spec?.GpuClass) && (m.Spec.GpuClass == gpuClass || m.Status?.NodeName == nodeName)));
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var modelServing = _modelServings.Get(key);
        if (modelServing is null || modelServing.Metadata.DeletionTimestamp is not null)
        {
            // Owned children are garbage-collected; nothing outside them to clean up.
            return ReconcileResult.Success();
        }

        var spec = modelServing.Spec ?? new ModelServingSpec();
        if (spec.Endpoint is null && AwaitGpuNode(spec) is { } wait)
        {
            // Nothing is written: the GpuNode's first status write requeues this ModelServing through the GpuNode
            // watch, and the requeue below reports it as not ready if that never happens within the grace.
            return ReconcileResult.Success(wait);
        }

        var status = StatusCopy.Of(modelServing.Status);
        var previousPhase = status.Phase;
        status.ObservedGeneration = modelServing.Metadata.Generation ?? 0;

        var requeue = spec.Endpoint is not null
            ? await ReconcileEndpointAsync(modelServing, spec.Endpoint, status, cancellationToken).ConfigureAwait(false)
            : await ReconcileDeploymentAsync(modelServing, status, cancellationToken).ConfigureAwait(false);

        var outcome = await _status.WriteAsync(modelServing, status, cancellationToken).ConfigureAwait(false);
        if (outcome == StatusWriteOutcome.Conflict)
        {
            return ReconcileResult.Failure("status write conflicted; the ModelServing changed since it was read");
        }

        if (outcome == StatusWriteOutcome.Written && previousPhase != status.Phase && status.Phase is { } phase)
        {
            var ready = Conditions.Find(status.Conditions, ModelServingReasons.ReadyCondition);
            await _events.RecordAsync(modelServing, phase is ModelServingPhases.Ready or ModelServingPhases.Deploying ? EventTypes.Normal : EventTypes.Warning,
                ready?.Reason ?? phase, ready?.Message ?? phase, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Success(requeue);
    }

    private async Task<TimeSpan?> ReconcileDeploymentAsync(ModelServing modelServing, ModelServingStatus status, CancellationToken cancellationToken)
    {
        var spec = modelServing.Spec;
        var generation = status.ObservedGeneration;
        var now = _time.GetUtcNow();

        var target = ResolveTarget(modelServing);
        if (target.Error is { } targetError)
        {
            // Without a card there is nothing to plan; running children are left as they are until it is back.
            status.Phase = ModelServingPhases.Pending;
            Conditions.Set(status.Conditions, ModelServingReasons.ReadyCondition, ConditionStatus.False, targetError.Reason, targetError.Message, generation, now);
            return null;
        }

        status.GpuClass = target.GpuClass;
        status.NodeName = target.Placement!.NodeName;

        if (await CheckSecretAsync(modelServing, spec.Weights?.HuggingFace?.TokenSecretRef, "Hugging Face token", cancellationToken).ConfigureAwait(false) is { } secretProblem)
        {
            status.Phase = ModelServingPhases.Failed;
            Conditions.Set(status.Conditions, ModelServingReasons.ReadyCondition, ConditionStatus.False, ModelServingReasons.TokenSecretMissing, secretProblem, generation, now);
            return _settings.RetryInterval;
        }

        var (configRead, inspectionWait, configRequeue) = await ReadModelConfigAsync(modelServing, status, target.Placement.NodeName!, cancellationToken).ConfigureAwait(false);
        if (inspectionWait is { } waiting)
        {
            // No plan without the model's figures: nothing is deployed or changed until the inspection Pod has answered.
            SetNotReady(status, waiting.Reason, waiting.Message, now);
            return configRequeue;
        }

        var plan = configRead is { Definitive: true, Architecture: null } refused
            ? ConfigRefusedPlan(spec.Model!, refused)
            : VramPlanner.Plan(PlanRequestFor(spec, target.GpuClass!, target.MemoryMiB, target.GpuCount, configRead?.Architecture));
        if (configRead is { Architecture: null, Definitive: false, Message: { } why } && plan.Outcome is PlanOutcome.Unchecked or PlanOutcome.Invalid)
        {
            plan = plan with { Message = $"{plan.Message} ({why})" };
        }

        status.ResolvedModel = plan.ModelId;
        status.Fit = plan.Outcome is PlanOutcome.Fits or PlanOutcome.DoesNotFit ? plan.ToModelFit() : null;

        if (!plan.Deployable)
        {
            await DeleteChildrenAsync(modelServing, cancellationToken).ConfigureAwait(false);
            status.Phase = ModelServingPhases.Failed;
            status.Endpoint = null;
            status.ServedModels = [];
            Conditions.Set(status.Conditions, ModelServingReasons.ModelDoesNotFitCondition,
                plan.Outcome == PlanOutcome.DoesNotFit ? ConditionStatus.True : ConditionStatus.Unknown, plan.Reason, plan.Message, generation, now);
            Conditions.Set(status.Conditions, ModelServingReasons.ReadyCondition, ConditionStatus.False, ModelServingReasons.NotDeployable, plan.Message, generation, now);
            return configRequeue;
        }

        Conditions.Set(status.Conditions, ModelServingReasons.ModelDoesNotFitCondition,
            plan.Outcome == PlanOutcome.Fits ? ConditionStatus.False : ConditionStatus.Unknown, plan.Reason, plan.Message, generation, now);

        var runtimeClass = await ResolveRuntimeClassAsync(target.GpuNode?.Spec?.RuntimeClassName, cancellationToken).ConfigureAwait(false);
        var placement = target.Placement with { RuntimeClassName = runtimeClass };
        var desiredDeployment = VllmBuilder.BuildDeployment(modelServing, plan, placement, _settings.OperatorVersion);
        var liveDeployment = _deployments.GetShared(new ObjectKey(desiredDeployment.Metadata.NamespaceProperty, desiredDeployment.Metadata.Name));
        var liveReady = liveDeployment?.Status?.ReadyReplicas >= 1 && SpecHash.Of(liveDeployment) == SpecHash.Of(desiredDeployment);
        var cacheProblem = liveReady ? null : await EnsureCacheClaimAsync(modelServing, plan, cancellationToken).ConfigureAwait(false);
        var deployment = await EnsureDeploymentAsync(desiredDeployment, modelServing, cancellationToken).ConfigureAwait(false);
        await EnsureServiceAsync(VllmBuilder.BuildService(modelServing), modelServing, cancellationToken).ConfigureAwait(false);
        status.Endpoint = VllmBuilder.ServiceUrl(modelServing);

        var deploymentReady = deployment.Status?.ReadyReplicas >= 1
            && (deployment.Status.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0);
        if (!deploymentReady)
        {
            status.ServedModels = [];
            SetNotReady(status, ModelServingReasons.Deploying,
                $"Waiting for Deployment {deployment.Metadata.Name} to have a ready replica (vLLM loads {plan.ModelId} with max context {plan.MaxContext})." +
                (cacheProblem is null ? string.Empty : " " + cacheProblem), now);
            return _settings.DetectionInterval;
        }

        await DetectAsync(status, status.Endpoint, apiKey: null, plan.ModelId!, now, cancellationToken).ConfigureAwait(false);
        return _settings.DetectionInterval;
    }

    private async Task<TimeSpan?> ReconcileEndpointAsync(ModelServing modelServing, ModelEndpoint endpoint, ModelServingStatus status, CancellationToken cancellationToken)
    {
        var spec = modelServing.Spec;
        var generation = status.ObservedGeneration;
        var now = _time.GetUtcNow();

        // A switch from a deployed model to an endpoint leaves no vLLM behind.
        await DeleteChildrenAsync(modelServing, cancellationToken).ConfigureAwait(false);

        status.ResolvedModel = spec.Model;
        status.GpuClass = endpoint.GpuClass;
        status.NodeName = null;
        status.Endpoint = endpoint.Url;

        // The fit is only a report here: the remote server already runs, so nothing is refused.
        var card = GpuCard.ForClass(endpoint.GpuClass);
        var model = ModelCatalog.Find(spec.Model);
        if (card is not null && model is not null)
        {
            var plan = VramPlanner.PlanModel(model, PlanRequestFor(spec, card.GpuClass, card.MemoryMiB, null, null));
            status.Fit = plan.Outcome is PlanOutcome.Fits or PlanOutcome.DoesNotFit ? plan.ToModelFit() : null;
            Conditions.Set(status.Conditions, ModelServingReasons.ModelDoesNotFitCondition,
                plan.Outcome switch { PlanOutcome.Fits => ConditionStatus.False, PlanOutcome.DoesNotFit => ConditionStatus.True, _ => ConditionStatus.Unknown },
                plan.Reason, plan.Message, generation, now);
        }
        else
        {
            status.Fit = null;
            Conditions.Set(status.Conditions, ModelServingReasons.ModelDoesNotFitCondition, ConditionStatus.Unknown, ModelServingReasons.FitNotChecked,
                card is null
                    ? "spec.endpoint.gpuClass is not set, so fit is not checked."
                    : $"{spec.Model} is not in the operator's model catalog, so fit is not checked.",
                generation, now);
        }

        string? apiKey = null;
        if (endpoint.ApiKeySecretRef is { } keyRef)
        {
            var (value, problem) = await ReadSecretAsync(modelServing, keyRef, "endpoint API key", cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                status.Phase = ModelServingPhases.Failed;
                status.ServedModels = [];
                Conditions.Set(status.Conditions, ModelServingReasons.ReadyCondition, ConditionStatus.False, ModelServingReasons.ApiKeySecretMissing, problem, generation, now);
                return _settings.RetryInterval;
            }

            apiKey = value;
        }

        await DetectAsync(status, endpoint.Url, apiKey, spec.Model ?? string.Empty, now, cancellationToken).ConfigureAwait(false);
        return _settings.DetectionInterval;
    }

    private async Task DetectAsync(ModelServingStatus status, string baseUrl, string? apiKey, string modelId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var detection = await _detector.DetectAsync(baseUrl, apiKey, cancellationToken).ConfigureAwait(false);
        if (!detection.Reachable)
        {
            // Keep the last known list: a blip should not make the router forget what the server serves.
            SetNotReady(status, ModelServingReasons.EndpointUnreachable, $"Could not read {baseUrl}/v1/models: {detection.Error}.", now);
            Log.DetectionFailed(_logger, baseUrl, detection.Error ?? "unknown");
            return;
        }

        status.ServedModels = [.. detection.Models];
        if (detection.Models.Any(m => m.Id == modelId))
        {
            var served = detection.Models.First(m => m.Id == modelId);
            status.Phase = ModelServingPhases.Ready;
            Conditions.Set(status.Conditions, ModelServingReasons.ReadyCondition, ConditionStatus.True, ModelServingReasons.ModelServed,
                served.MaxModelLen is { } len ? $"{modelId} is served with max context {len}." : $"{modelId} is served.",
                status.ObservedGeneration, now);
        }
        else
        {
            SetNotReady(status, ModelServingReasons.ModelNotListed,
                $"{baseUrl}/v1/models does not list {modelId} (lists: {string.Join(", ", detection.Models.Select(m => m.Id))}).", now);
        }
    }

    /// <summary>
    /// How long to wait, without writing status, for a GpuNode its controller has not reconciled yet (no status phase) and
    /// that was created less than <see cref="OperatorSettings.UnreconciledGpuNodeGrace"/> ago; null when the
    /// ModelServing can be reconciled now. When GpuNodes and ModelServings are applied together, or the operator starts
    /// on a cluster that has both, the ModelServing is often looked at first; without this wait it is written Pending
    /// ("GpuNode is not reconciled yet", plus a Warning Event) and a moment later Deploying: two status writes and two
    /// Events where one of each says the same. An older unreconciled GpuNode is reported as not ready as before.
    /// </summary>
    internal TimeSpan? AwaitGpuNode(ModelServingSpec spec)
    {
        var grace = _settings.UnreconciledGpuNodeGrace;
        if (grace <= TimeSpan.Zero)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        TimeSpan? Remaining(GpuNode g) => UnreconciledWait(g, now, grace);

        if (!string.IsNullOrEmpty(spec.GpuNode))
        {
            return _gpuNodes.GetShared(new ObjectKey(null, spec.GpuNode)) is { } gpuNode ? Remaining(gpuNode) : null;
        }

        // A class: wait only while no GpuNode of it is Ready and some young GpuNode's class is still unknown.
        if (_gpuNodes.Keys(g => g.Metadata.DeletionTimestamp is null && g.Status?.Phase == GpuNodePhases.Ready && g.Status.GpuClass == spec.GpuClass).Count > 0)
        {
            return null;
        }

        TimeSpan? longest = null;
        foreach (var gpuNode in _gpuNodes.ListShared(g => string.IsNullOrEmpty(g.Status?.Phase)))
        {
            if (Remaining(gpuNode) is { } left && (longest is null || left > longest))
            {
                longest = left;
            }
        }

        return longest;
    }

    /// <summary>
    /// How much of <paramref name="grace"/> is left to wait for <paramref name="gpuNode"/>: null unless its controller
    /// has not written a phase yet, it is not being deleted, and it was created less than the grace ago.
    /// </summary>
    internal static TimeSpan? UnreconciledWait(GpuNode gpuNode, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(gpuNode);
        if (!string.IsNullOrEmpty(gpuNode.Status?.Phase) || gpuNode.Metadata.DeletionTimestamp is not null || gpuNode.Metadata.CreationTimestamp is not { } created)
        {
            return null;
        }

        // Capped at the grace: a server clock ahead of ours must not stretch the wait.
        var left = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) + grace - now;
        return left > TimeSpan.Zero ? (left < grace ? left : grace) : null;
    }

    private static void SetNotReady(ModelServingStatus status, string reason, string message, DateTimeOffset now)
    {
        status.Phase = status.Phase is ModelServingPhases.Ready or ModelServingPhases.Degraded
            ? ModelServingPhases.Degraded
            : reason == ModelServingReasons.Deploying ? ModelServingPhases.Deploying : ModelServingPhases.Pending;
        Conditions.Set(status.Conditions, ModelServingReasons.ReadyCondition, ConditionStatus.False, reason, message, status.ObservedGeneration, now);
    }

    private Target ResolveTarget(ModelServing modelServing)
    {
        var spec = modelServing.Spec;
        if (!string.IsNullOrEmpty(spec.GpuNode))
        {
            // Only read: the shared cached instance, no copy (this runs on every ModelServing reconcile).
            var gpuNode = _gpuNodes.GetShared(new ObjectKey(null, spec.GpuNode));
            if (gpuNode is null)
            {
                return Target.Failed(ModelServingReasons.GpuNodeNotFound, $"GpuNode '{spec.GpuNode}' does not exist.");
            }

            // Without spec.tenant the ModelServing belongs to the GpuNode's tenant; with one, the card must be its own or shared.
            if (!string.IsNullOrEmpty(spec.Tenant) && !PlacementPolicy.MayRunOn(spec.Tenant, gpuNode.Spec ?? new GpuNodeSpec()))
            {
                return Target.Failed(ModelServingReasons.GpuNodeNotEligible, PlacementPolicy.Refusal(spec.Tenant, gpuNode));
            }

            if (gpuNode.Status?.Phase != GpuNodePhases.Ready || GpuCard.ForClass(gpuNode.Status.GpuClass) is not { } card)
            {
                var why = Conditions.Find(gpuNode.Status?.Conditions, "Ready")?.Message;
                return Target.Failed(ModelServingReasons.GpuNodeNotReady,
                    $"GpuNode '{spec.GpuNode}' is {gpuNode.Status?.Phase ?? "not reconciled yet"}{(string.IsNullOrEmpty(why) ? "." : ": " + why)}");
            }

            return new Target(card.GpuClass, gpuNode.Status.MemoryMiB ?? card.MemoryMiB, gpuNode.Status.GpuCount,
                new Placement(gpuNode.Spec!.NodeName, card.GpuClass), gpuNode, null);
        }

        var wanted = GpuCard.ForClass(spec.GpuClass);
        if (wanted is null)
        {
            return Target.Failed(ModelServingReasons.NoReadyGpuNodeOfClass, $"No Ready GpuNode of class '{spec.GpuClass}'.");
        }

        var ready = _gpuNodes.ListShared(g => g.Metadata.DeletionTimestamp is null && g.Spec is not null && g.Status?.Phase == GpuNodePhases.Ready
            && g.Status.GpuClass == spec.GpuClass);
        var self = modelServing.Metadata.Uid;
        var placed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var other in _modelServings.ListShared(m => m.Metadata.Uid != self && !string.IsNullOrEmpty(m.Status?.NodeName) && m.Spec?.Endpoint is null))
        {
            var node = other.Status!.NodeName!;
            placed[node] = placed.TryGetValue(node, out var n) ? n + 1 : 1;
        }

        // Pinned to one chosen node (not the class label): the card's owner decides who may use it, and the plan and
        // the router's tenant follow that node.
        var choice = PlacementPolicy.Choose(spec.Tenant, wanted.GpuClass, ready, modelServing.Status?.NodeName, placed);
        if (choice.GpuNode is not { } chosen)
        {
            return Target.Failed(choice.Reason!, choice.Message!);
        }

        return new Target(wanted.GpuClass, chosen.Status!.MemoryMiB ?? wanted.MemoryMiB, chosen.Status.GpuCount,
            new Placement(chosen.Spec.NodeName, wanted.GpuClass), chosen, null);
    }

    private async ValueTask<string?> ResolveRuntimeClassAsync(string? gpuNodeSetting, CancellationToken cancellationToken) =>
        GpuRuntime.Resolve(gpuNodeSetting, _settings.GpuRuntimeClass,
            GpuRuntime.NeedsLookup(gpuNodeSetting, _settings.GpuRuntimeClass)
            && await _runtimeClasses.ExistsAsync(GpuRuntime.NvidiaRuntimeClass, cancellationToken).ConfigureAwait(false));

    // Makes the cache claim when missing (create-only: a claim's size only grows, with an expandable StorageClass, and
    // the rest of its spec is immutable). Runs only while the Deployment is new, changed or not ready, so a healthy
    // ModelServing costs no request. Returns a sentence for the status when the claim cannot bind.
    private async Task<string?> EnsureCacheClaimAsync(ModelServing owner, VramPlan plan, CancellationToken cancellationToken)
    {
        if (VllmBuilder.BuildCacheClaim(owner, plan) is not { } desired)
        {
            return null;
        }

        var result = await ChildApplier.ApplyAsync(_client, ChildKinds.PersistentVolumeClaim, desired, owner, cached: null, readFromApi: true,
            ChildApplyMode.CreateOnly, cancellationToken).ConfigureAwait(false);
        LogApplied(result.Outcome, "PersistentVolumeClaim", desired);

        // The API server's DefaultStorageClass admission fills in storageClassName on create when the cluster has a
        // default StorageClass; a claim still without one has nothing to provision it and stays Pending.
        var live = result.Live;
        return live.Status?.Phase == "Pending" && string.IsNullOrEmpty(live.Spec?.StorageClassName)
            ? $"Its model cache claim {desired.Metadata.Name} is Pending with no StorageClass (the cluster has no default one): set " +
              "spec.cache.storageClassName, or spec.cache.type emptyDir (weights are then downloaded again by every new pod)."
            : null;
    }

    // The plan request from the spec: the card, the engine settings, and for a model outside the catalog its figures
    // read from config.json. --enforce-eager among the extra args means no CUDA graphs to leave room for.
    private static PlanRequest PlanRequestFor(ModelServingSpec spec, string gpuClass, long memoryMiB, int? gpuCount, ModelArchitecture? architecture)
    {
        var engine = spec.Engine ?? new EngineSettings();
        return new PlanRequest(gpuClass, memoryMiB, gpuCount, spec.Purpose ?? ModelPurposes.General, spec.Model, engine.Quantization,
            engine.GpuMemoryUtilization, engine.TensorParallelSize, engine.MaxModelLen, architecture,
            EnforceEager: engine.ExtraArgs?.Any(a => a is "--enforce-eager" or "--enforce-eager=true" or "--enforce_eager") == true);
    }

    // A Hub answer that settles it (404, 401/403): vLLM would fail to download the same files, so nothing is deployed.
    private static VramPlan ConfigRefusedPlan(string model, ModelConfigResult refused) => new()
    {
        Outcome = PlanOutcome.Invalid,
        ModelId = model.Trim(),
        Quantization = Quantizations.None,
        AvailableGiB = 0,
        Reason = refused.Reason ?? PlanReasons.ModelConfigUnreadable,
        Message = refused.Message ?? "The model's config.json could not be read.",
    };

    // For a model outside the catalog, its config.json and checkpoint size: for pre-staged weights (PVC or host path)
    // from an inspection Pod that reads the volume itself, else from the Hugging Face Hub at the revision vLLM loads,
    // with the token Secret. No result for catalog models and defaults; a wait while the inspection Pod works.
    private async Task<(ModelConfigResult? Result, (string Reason, string Message)? Wait, TimeSpan? Requeue)> ReadModelConfigAsync(
        ModelServing modelServing, ModelServingStatus status, string nodeName, CancellationToken cancellationToken)
    {
        var spec = modelServing.Spec;
        var source = WeightsInspector.Source(spec.Weights, nodeName);
        if (source is null || status.WeightsInspection?.Source != source)
        {
            status.WeightsInspection = null;
        }

        if (string.IsNullOrWhiteSpace(spec.Model) || ModelCatalog.Find(spec.Model) is not null)
        {
            return (null, null, null);
        }

        if (source is not null)
        {
            return await InspectWeightsAsync(modelServing, status, source, nodeName, cancellationToken).ConfigureAwait(false);
        }

        string? token = null;
        if (spec.Weights?.HuggingFace?.TokenSecretRef is { } tokenRef)
        {
            token = (await ReadSecretAsync(modelServing, tokenRef, "Hugging Face token", cancellationToken).ConfigureAwait(false)).Value;
        }

        var revision = string.IsNullOrEmpty(spec.Weights?.HuggingFace?.Revision) ? HubRevisions.Default : spec.Weights.HuggingFace.Revision;
        return (await _modelConfigs.ReadHubAsync(spec.Model.Trim(), revision, token, cancellationToken).ConfigureAwait(false), null, null);
    }

    // Reads pre-staged weights through a short-lived Pod (WeightsInspector): the first reconcile creates it, later ones
    // read its status until the container has terminated, then the summary is kept in status.weightsInspection (read
    // once per source) and the Pod deleted. A failed Pod is kept for WeightsInspectionRetry so that its status and logs
    // show why, then deleted and run again.
    private async Task<(ModelConfigResult? Result, (string Reason, string Message)? Wait, TimeSpan? Requeue)> InspectWeightsAsync(
        ModelServing modelServing, ModelServingStatus status, string source, string nodeName, CancellationToken cancellationToken)
    {
        if (status.WeightsInspection is { Summary.Length: > 0 } cached)
        {
            var fromStatus = WeightsInspector.Parse(cached.Summary, source);
            if (fromStatus.Architecture is not null)
            {
                return (fromStatus, null, null);
            }

            // Written by another operator version or edited by hand: read the files again rather than fail on it.
            status.WeightsInspection = null;
        }

        var ns = modelServing.Metadata.NamespaceProperty;
        var podName = WeightsInspector.PodName(modelServing, source);
        var poll = _settings.WeightsInspectionPollInterval;
        V1Pod? pod = null;
        try
        {
            pod = await _client.CoreV1.ReadNamespacedPodAsync(podName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
        }

        if (pod is null)
        {
            try
            {
                await _client.CoreV1.CreateNamespacedPodAsync(WeightsInspector.BuildPod(modelServing, source, nodeName), ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                Log.ChildCreated(_logger, "Pod", ns, podName);
            }
            catch (Exception ex) when (ApiErrors.IsConflict(ex))
            {
                // Made by an earlier reconcile whose read raced with it; the next poll reads it.
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ApiErrors.StatusCode(ex) is 403 or 422)
            {
                // Refused by admission (e.g. a namespace whose Pod Security level forbids hostPath volumes, or a quota):
                // the vLLM pod would be refused the same way, so say so instead of retrying in a tight loop.
                return (null, (ModelServingReasons.WeightsInspectionFailed,
                    $"The API server refused the inspection Pod {podName} ({ApiErrors.StatusCode(ex)}): {StatusMessage(ex)}"), _settings.RetryInterval);
            }

            return (null, (ModelServingReasons.InspectingWeights,
                $"Started Pod {podName} on node {nodeName} to read config.json and model.safetensors.index.json from {source}."), poll);
        }

        if (!ChildApplier.IsOurs(pod, modelServing))
        {
            return (null, (ModelServingReasons.WeightsInspectionFailed,
                $"Pod {ns}/{podName} exists and is not this ModelServing's, so its weights cannot be inspected: delete that Pod."), _settings.RetryInterval);
        }

        var state = WeightsInspector.Read(pod, source);
        if (!state.Finished)
        {
            return (null, (ModelServingReasons.InspectingWeights, state.Message), poll);
        }

        var failure = state;
        if (state.Summary is { } summary)
        {
            var parsed = WeightsInspector.Parse(summary, source);
            if (parsed.Architecture is not null)
            {
                status.WeightsInspection = new WeightsInspection { Source = source, Summary = summary };
                await DeletePodAsync(ns, podName, cancellationToken).ConfigureAwait(false);
                return (parsed, null, null);
            }

            failure = state with { Summary = null, Reason = parsed.Reason, Message = parsed.Message ?? state.Message, Definitive = true };
        }

        var now = _time.GetUtcNow();
        var finished = failure.FinishedAt ?? (pod.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : now);
        var retryAt = finished + _settings.WeightsInspectionRetry;
        if (now >= retryAt)
        {
            await DeletePodAsync(ns, podName, cancellationToken).ConfigureAwait(false);
            return (null, (ModelServingReasons.InspectingWeights, $"Reading {source} again: the last inspection failed ({failure.Message})."), poll);
        }

        var again = $" It is read again after {retryAt.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}, or at once when Pod {podName} is deleted.";
        return failure.Definitive
            ? (ModelConfigResult.Failed(failure.Reason ?? PlanReasons.ModelConfigUnreadable, failure.Message + again, definitive: true), null, retryAt - now)
            : (null, (ModelServingReasons.WeightsInspectionFailed, failure.Message + again), retryAt - now);
    }

    // The message of the Status object the API server answers an error with (its body), else the exception's.
    private static string StatusMessage(k8s.Autorest.HttpOperationException ex)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(ex.Response?.Content ?? string.Empty)?["message"]?.GetValue<string>() is { Length: > 0 } message)
            {
                return message;
            }
        }
        catch (Exception parse) when (parse is System.Text.Json.JsonException or InvalidOperationException)
        {
        }

        return ex.Message;
    }

    private async Task DeletePodAsync(string ns, string name, CancellationToken cancellationToken)
    {
        await IgnoreNotFound(_client.CoreV1.DeleteNamespacedPodAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        Log.ChildDeleted(_logger, "Pod", ns, name);
    }

    private async Task<string?> CheckSecretAsync(ModelServing owner, SecretKeyReference? reference, string what, CancellationToken cancellationToken) =>
        reference is null ? null : (await ReadSecretAsync(owner, reference, what, cancellationToken).ConfigureAwait(false)).Problem;

    // Reads one key of a Secret in the ModelServing's namespace. The value never leaves this call except as the
    // bearer token of a detection request; messages name the Secret and key, never the value.
    private async Task<(string? Value, string? Problem)> ReadSecretAsync(ModelServing owner, SecretKeyReference reference, string what, CancellationToken cancellationToken)
    {
        var ns = owner.Metadata.NamespaceProperty;
        try
        {
            var secret = await _client.CoreV1.ReadNamespacedSecretAsync(reference.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (secret?.Data is { } data && data.TryGetValue(reference.Key, out var bytes) && bytes is { Length: > 0 })
            {
                return (System.Text.Encoding.UTF8.GetString(bytes), null);
            }

            if (secret?.StringData is { } stringData && stringData.TryGetValue(reference.Key, out var text) && !string.IsNullOrEmpty(text))
            {
                return (text, null);
            }

            return (null, $"Secret {ns}/{reference.Name} has no key '{reference.Key}' for the {what}.");
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return (null, $"Secret {ns}/{reference.Name} for the {what} does not exist.");
        }
    }

    private async Task<V1Deployment> EnsureDeploymentAsync(V1Deployment desired, ModelServing owner, CancellationToken cancellationToken)
    {
        var cached = _deployments.GetShared(new ObjectKey(desired.Metadata.NamespaceProperty, desired.Metadata.Name));
        var result = await ChildApplier.ApplyAsync(_client, ChildKinds.Deployment, desired, owner, cached, readFromApi: false,
            ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        LogApplied(result.Outcome, "Deployment", desired);
        return result.Live;
    }

    private async Task EnsureServiceAsync(V1Service desired, ModelServing owner, CancellationToken cancellationToken)
    {
        var cached = _services.GetShared(new ObjectKey(desired.Metadata.NamespaceProperty, desired.Metadata.Name));
        var result = await ChildApplier.ApplyAsync(_client, ChildKinds.Service, desired, owner, cached, readFromApi: false,
            ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        LogApplied(result.Outcome, "Service", desired);
    }

    private void LogApplied(ChildApplyOutcome outcome, string kind, IKubernetesObject<V1ObjectMeta> desired)
    {
        if (outcome == ChildApplyOutcome.Created)
        {
            Log.ChildCreated(_logger, kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        }
        else if (outcome == ChildApplyOutcome.Updated)
        {
            Log.ChildUpdated(_logger, kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        }
    }

    private async Task DeleteChildrenAsync(ModelServing owner, CancellationToken cancellationToken)
    {
        var ns = owner.Metadata.NamespaceProperty;
        var name = ChildNames.ForModelServing(owner.Metadata.Name);
        var key = new ObjectKey(ns, name);
        if (_deployments.GetShared(key) is { } deployment && ChildApplier.IsOurs(deployment, owner))
        {
            await IgnoreNotFound(_client.AppsV1.DeleteNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            Log.ChildDeleted(_logger, "Deployment", ns, name);
        }

        if (_services.GetShared(key) is { } service && ChildApplier.IsOurs(service, owner))
        {
            await IgnoreNotFound(_client.CoreV1.DeleteNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            Log.ChildDeleted(_logger, "Service", ns, name);
        }
    }

    private static async Task IgnoreNotFound(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
        }
    }

    private sealed record Target(string? GpuClass, long MemoryMiB, int? GpuCount, Placement? Placement, GpuNode? GpuNode, (string Reason, string Message)? Error)
    {
        public static Target Failed(string reason, string message) => new(null, 0, null, null, null, (reason, message));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created {Kind} {Namespace}/{Name}")]
        public static partial void ChildCreated(ILogger logger, string kind, string @namespace, string name);

        [LoggerMessage(2, LogLevel.Information, "Updated {Kind} {Namespace}/{Name}")]
        public static partial void ChildUpdated(ILogger logger, string kind, string @namespace, string name);

        [LoggerMessage(3, LogLevel.Information, "Deleted {Kind} {Namespace}/{Name}")]
        public static partial void ChildDeleted(ILogger logger, string kind, string @namespace, string name);

        [LoggerMessage(4, LogLevel.Debug, "Model detection at {Url} failed: {Error}")]
        public static partial void DetectionFailed(ILogger logger, string url, string error);
    }
}
