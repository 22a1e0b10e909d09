using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.KubeApiServer;

/// <summary>
/// The real API server's validation of what an operator writes, run after defaulting on every create and update:
/// <list type="bullet">
/// <item>every kind (custom resources too): object names (DNS-1123 subdomain; DNS-1035 label for Services; DNS-1123
/// label for Namespaces), label keys and values, annotation keys and their 256 KiB total
/// (k8s.io/apimachinery/pkg/api/validation/objectmeta.go ValidateObjectMeta, ValidateAnnotations;
/// pkg/apis/meta/v1/validation ValidateLabels);</item>
/// <item>Deployments and DaemonSets: a non-empty selector that matches the template labels and does not change, the
/// pod template (restartPolicy Always, containers with a DNS-1123 name and an image, port numbers and names, volume
/// mounts that name a volume, nodeSelector labels), the strategy (kubernetes/kubernetes pkg/apis/apps/validation
/// ValidateDeploymentSpec, ValidateDaemonSetSpec, ValidatePodTemplateSpecForReplicaSet; pkg/apis/core/validation
/// ValidatePodSpec, validateContainers, validateContainerPorts);</item>
/// <item>StatefulSets (pkg/apis/apps/validation ValidateStatefulSetName, ValidateStatefulSetSpec,
/// ValidateStatefulSetUpdate, read in the thockin/kubernetes mirror of kubernetes/kubernetes at 429e030, with the
/// StatefulSetStartOrdinal gate on as it is by default since 1.27 and GA in 1.31): the name is a
/// DNS-1123 label; podManagementPolicy and updateStrategy (required after defaulting, OrderedReady/Parallel,
/// RollingUpdate/OnDelete, rollingUpdate only with RollingUpdate, partition and maxUnavailable), the claim retention
/// policy (Retain/Delete), replicas, minReadySeconds and ordinals.start not negative, a non-empty selector matching
/// the template labels, restartPolicy Always, no activeDeadlineSeconds. The real server does not validate the pod
/// spec of a StatefulSet's template (its volume mounts may name a volumeClaimTemplate, which is no pod volume), nor
/// serviceName or the claim templates' contents on create; on update every spec field other than replicas, ordinals,
/// template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds is immutable (serviceName,
/// selector, volumeClaimTemplates, podManagementPolicy, revisionHistoryLimit), one Forbidden cause on "spec".</item>
/// <item>Services: type, ports (required unless headless or ExternalName, names when more than one, numbers,
/// target ports), selector labels (pkg/apis/core/validation ValidateService);</item>
/// <item>ConfigMaps and Secrets: key names and the 1 MiB data limit (ValidateConfigMap, ValidateSecret,
/// core.MaxSecretSize); Nodes: taints (ValidateNode); Leases: durations (pkg/apis/coordination/validation);
/// RuntimeClasses: the handler is a DNS-1123 label and immutable (pkg/apis/node/validation).</item>
/// </list>
/// Messages and field paths are the real ones (<see cref="ApimachineryValidation"/>, <see cref="FieldErrors"/>); a
/// structured bad value is rendered as JSON as apimachinery's field errors do. Checks the operator never meets
/// (resource quantities, security contexts, probes beyond their ports, volume sources) are not modelled.
/// </summary>
internal static class BuiltinValidation
{
    /// <summary>core.MaxSecretSize: the data limit of a ConfigMap or Secret.</summary>
    public const int MaxDataSize = 1 << 20;

    /// <summary>apimachinery's TotalAnnotationSizeLimitB.</summary>
    public const int TotalAnnotationSizeLimit = 256 * (1 << 10);

    /// <summary>The name rule of a kind: Services are DNS-1035 labels, Namespaces DNS-1123 labels, the rest subdomains.</summary>
    public static List<string> ValidateName(ResourceType type, string name) => type switch
    {
        { Group: "", Kind: "Service" } => ApimachineryValidation.IsDns1035Label(name),
        { Group: "", Kind: "Namespace" } => ApimachineryValidation.IsDns1123Label(name),
        { Group: "apps", Kind: "StatefulSet" } => ApimachineryValidation.IsDns1123Label(name),
        _ => ApimachineryValidation.IsDns1123Subdomain(name),
    };

    /// <summary>All failures of <paramref name="obj"/> (after defaulting); <paramref name="old"/> is the stored object on update.</summary>
    public static List<FieldCause> Validate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var errs = new List<FieldCause>();
        var meta = obj["metadata"] as JsonObject;
        ValidateLabels(meta?["labels"], "metadata.labels", errs);
        ValidateAnnotations(meta?["annotations"], "metadata.annotations", errs);
        if (type.IsCustom)
        {
            return errs;
        }

        switch (type.Group, type.Kind)
        {
            case ("apps", "Deployment"):
                ValidateWorkload(obj, old, "deployment", errs);
                ValidateDeploymentStrategy(obj["spec"] as JsonObject, errs);
                break;
            case ("apps", "StatefulSet"):
                ValidateStatefulSet(obj, old, errs);
                break;
            case ("apps", "DaemonSet"):
                ValidateWorkload(obj, old, "daemonset", errs);
                ValidateDaemonSetStrategy(obj["spec"] as JsonObject, errs);
                break;
            case ("", "Service"):
                ValidateService(obj, errs);
                break;
            case ("", "ConfigMap"):
                ValidateConfigMap(obj, errs);
                break;
            case ("", "Secret"):
                ValidateSecret(obj, errs);
                break;
            case ("", "Node"):
                ValidateNode(obj, errs);
                break;
            case ("", "Pod"):
                ValidatePodSpec(obj["spec"] as JsonObject ?? [], "spec", errs);
                break;
            case ("coordination.k8s.io", "Lease"):
                ValidateLease(obj, errs);
                break;
            case ("node.k8s.io", "RuntimeClass"):
                ValidateRuntimeClass(obj, old, errs);
                break;
        }

        return errs;
    }

    // ---- metadata ------------------------------------------------------------------------------------------

    private static void ValidateLabels(JsonNode? labels, string path, List<FieldCause> errs)
    {
        if (labels is not JsonObject map)
        {
            return;
        }

        foreach (var (key, value) in map)
        {
            errs.AddRange(ApimachineryValidation.IsQualifiedName(key).Select(m => FieldErrors.Invalid(path, key, m)));
            var text = Text(value);
            errs.AddRange(ApimachineryValidation.IsValidLabelValue(text).Select(m => FieldErrors.Invalid(path, text, m)));
        }
    }

    private static void ValidateAnnotations(JsonNode? annotations, string path, List<FieldCause> errs)
    {
        if (annotations is not JsonObject map)
        {
            return;
        }

        long total = 0;
        foreach (var (key, value) in map)
        {
            // "The rule is QualifiedName except that case doesn't matter" (objectmeta.go).
            errs.AddRange(ApimachineryValidation.IsQualifiedName(key.ToLowerInvariant()).Select(m => FieldErrors.Invalid(path, key, m)));
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(Text(value));
        }

        if (total > TotalAnnotationSizeLimit)
        {
            errs.Add(FieldErrors.TooLong(path, TotalAnnotationSizeLimit));
        }
    }

    // ---- Deployment / DaemonSet ----------------------------------------------------------------------------

    private static void ValidateWorkload(JsonObject obj, JsonObject? old, string kindWord, List<FieldCause> errs)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["replicas"] is { } replicas && Long(replicas) < 0)
        {
            errs.Add(FieldErrors.Invalid("spec.replicas", Long(replicas), "must be greater than or equal to 0"));
        }

        if (spec["revisionHistoryLimit"] is { } history && Long(history) < 0)
        {
            errs.Add(FieldErrors.Invalid("spec.revisionHistoryLimit", Long(history), "must be greater than or equal to 0"));
        }

        // As apps/validation: a missing selector is required on a Deployment only, and (LabelSelectorAsSelector(nil)
        // being "nothing") matches no template; an empty one is refused but (being "everything") matches any.
        var selector = spec["selector"] as JsonObject;
        if (selector is null)
        {
            if (kindWord == "deployment")
            {
                errs.Add(FieldErrors.Required("spec.selector"));
            }
        }
        else
        {
            ValidateLabelSelector(selector, "spec.selector", errs);
            if (IsEmptySelector(selector))
            {
                errs.Add(FieldErrors.Invalid("spec.selector", selector, $"empty selector is invalid for {kindWord}"));
            }
        }

        if (old?["spec"]?["selector"] is { } oldSelector && selector is not null && !JsonNode.DeepEquals(oldSelector, selector))
        {
            errs.Add(FieldErrors.Invalid("spec.selector", selector, "field is immutable"));
        }

        var template = spec["template"] as JsonObject ?? [];
        var templateLabels = template["metadata"]?["labels"] as JsonObject;
        if (selector is null || (!IsEmptySelector(selector) && !SelectorMatches(selector, templateLabels)))
        {
            errs.Add(FieldErrors.Invalid("spec.template.metadata.labels", (JsonNode?)templateLabels ?? new JsonObject(), "`selector` does not match template `labels`"));
        }

        ValidateLabels(templateLabels, "spec.template.metadata.labels", errs);
        ValidateAnnotations(template["metadata"]?["annotations"], "spec.template.metadata.annotations", errs);
        var podSpec = template["spec"] as JsonObject ?? [];
        if (podSpec["restartPolicy"] is { } restart && Text(restart) != "Always")
        {
            errs.Add(FieldErrors.NotSupported("spec.template.spec.restartPolicy", Text(restart), "Always"));
        }

        ValidatePodSpec(podSpec, "spec.template.spec", errs);
    }

    private static void ValidateDeploymentStrategy(JsonObject? spec, List<FieldCause> errs)
    {
        if (spec?["strategy"] is not JsonObject strategy)
        {
            return;
        }

        var type = Text(strategy["type"]);
        if (type is not ("Recreate" or "RollingUpdate"))
        {
            errs.Add(FieldErrors.NotSupported("spec.strategy", strategy, "Recreate", "RollingUpdate"));
        }
        else if (type == "Recreate" && strategy["rollingUpdate"] is not null)
        {
            errs.Add(FieldErrors.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
        }

        if (spec["progressDeadlineSeconds"] is { } deadline && Long(deadline) <= Long(spec["minReadySeconds"]))
        {
            errs.Add(FieldErrors.Invalid("spec.progressDeadlineSeconds", Long(deadline), "must be greater than minReadySeconds"));
        }
    }

    // ---- StatefulSet -----------------------------------------------------------------------------------------

    /// <summary>The spec fields an update may change (ValidateStatefulSetUpdate copies these from the old object, then compares).</summary>
    private static readonly string[] StatefulSetMutableFields = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    private static void ValidateStatefulSet(JsonObject obj, JsonObject? old, List<FieldCause> errs)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        switch (Text(spec["podManagementPolicy"]))
        {
            case "":
                errs.Add(FieldErrors.Required("spec.podManagementPolicy"));
                break;
            case "OrderedReady" or "Parallel":
                break;
            case var other:
                errs.Add(FieldErrors.Invalid("spec.podManagementPolicy", other, "must be 'OrderedReady' or 'Parallel'"));
                break;
        }

        var strategy = spec["updateStrategy"] as JsonObject ?? [];
        var rolling = strategy["rollingUpdate"] as JsonObject;
        switch (Text(strategy["type"]))
        {
            case "":
                errs.Add(FieldErrors.Required("spec.updateStrategy"));
                break;
            case "OnDelete" when rolling is not null:
                errs.Add(FieldErrors.Invalid("spec.updateStrategy.rollingUpdate", rolling, "only allowed for updateStrategy 'RollingUpdate'"));
                break;
            case "OnDelete":
                break;
            case "RollingUpdate":
                if (rolling?["partition"] is { } partition && Long(partition) < 0)
                {
                    errs.Add(FieldErrors.Invalid("spec.updateStrategy.rollingUpdate.partition", Long(partition), "must be greater than or equal to 0"));
                }

                break;
            default:
                errs.Add(FieldErrors.Invalid("spec.updateStrategy", strategy, "must be 'RollingUpdate' or 'OnDelete'"));
                break;
        }

        if (spec["persistentVolumeClaimRetentionPolicy"] is JsonObject retention)
        {
            foreach (var when in new[] { "whenDeleted", "whenScaled" })
            {
                if (Text(retention[when]) is not ("Retain" or "Delete"))
                {
                    errs.Add(FieldErrors.NotSupported($"spec.persistentVolumeClaimRetentionPolicy.{when}", Text(retention[when]), "Retain", "Delete"));
                }
            }
        }

        foreach (var (field, value) in new[] { ("spec.replicas", spec["replicas"]), ("spec.minReadySeconds", spec["minReadySeconds"]), ("spec.ordinals.start", spec["ordinals"]?["start"]) })
        {
            if (value is not null && Long(value) < 0)
            {
                errs.Add(FieldErrors.Invalid(field, Long(value), "must be greater than or equal to 0"));
            }
        }

        var selector = spec["selector"] as JsonObject;
        if (selector is null)
        {
            errs.Add(FieldErrors.Required("spec.selector"));
        }
        else
        {
            ValidateLabelSelector(selector, "spec.selector", errs);
            if (IsEmptySelector(selector))
            {
                errs.Add(FieldErrors.Invalid("spec.selector", selector, "empty selector is invalid for statefulset"));
            }
        }

        // ValidatePodTemplateSpecForStatefulSet: labels must match a non-empty selector (a nil selector converts to
        // labels.Nothing(), which is not Empty() and matches nothing); labels and annotations; no pod spec checks.
        var template = spec["template"] as JsonObject ?? [];
        var templateLabels = template["metadata"]?["labels"] as JsonObject;
        if (selector is null || (!IsEmptySelector(selector) && !SelectorMatches(selector, templateLabels)))
        {
            errs.Add(FieldErrors.Invalid("spec.template.metadata.labels", (JsonNode?)templateLabels ?? new JsonObject(), "`selector` does not match template `labels`"));
        }

        ValidateLabels(templateLabels, "spec.template.labels", errs);
        ValidateAnnotations(template["metadata"]?["annotations"], "spec.template.annotations", errs);
        if (Text(template["spec"]?["restartPolicy"]) != "Always")
        {
            errs.Add(FieldErrors.NotSupported("spec.template.spec.restartPolicy", Text(template["spec"]?["restartPolicy"]), "Always"));
        }

        if (template["spec"]?["activeDeadlineSeconds"] is not null)
        {
            errs.Add(FieldErrors.Forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"));
        }

        if (old?["spec"] is JsonObject oldSpec && !JsonNode.DeepEquals(WithoutFields(spec, StatefulSetMutableFields), WithoutFields(oldSpec, StatefulSetMutableFields)))
        {
            errs.Add(FieldErrors.Forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
    }

    private static JsonObject WithoutFields(JsonObject spec, string[] fields)
    {
        var copy = (JsonObject)spec.DeepClone();
        foreach (var field in fields)
        {
            copy.Remove(field);
        }

        return copy;
    }

    private static void ValidateDaemonSetStrategy(JsonObject? spec, List<FieldCause> errs)
    {
        var strategy = spec?["updateStrategy"] as JsonObject ?? [];
        if (Text(strategy["type"]) is not ("OnDelete" or "RollingUpdate"))
        {
            errs.Add(FieldErrors.NotSupported("spec.updateStrategy", strategy, "RollingUpdate", "OnDelete"));
        }
    }

    private static void ValidateLabelSelector(JsonObject selector, string path, List<FieldCause> errs)
    {
        ValidateLabels(selector["matchLabels"], path + ".matchLabels", errs);
        if (selector["matchExpressions"] is not JsonArray expressions)
        {
            return;
        }

        for (var i = 0; i < expressions.Count; i++)
        {
            var at = $"{path}.matchExpressions[{i}]";
            var expression = expressions[i] as JsonObject ?? [];
            var op = Text(expression["operator"]);
            var values = expression["values"] as JsonArray;
            switch (op)
            {
                case "In" or "NotIn" when values is null || values.Count == 0:
                    errs.Add(FieldErrors.Required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    break;
                case "Exists" or "DoesNotExist" when values is { Count: > 0 }:
                    errs.Add(FieldErrors.Forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    break;
                case "In" or "NotIn" or "Exists" or "DoesNotExist":
                    break;
                default:
                    errs.Add(FieldErrors.Invalid(at + ".operator", op, "not a valid selector operator"));
                    break;
            }

            var key = Text(expression["key"]);
            errs.AddRange(ApimachineryValidation.IsQualifiedName(key).Select(m => FieldErrors.Invalid(at + ".key", key, m)));
        }
    }

    private static bool IsEmptySelector(JsonObject selector) =>
        (selector["matchLabels"] as JsonObject)?.Count is null or 0 && (selector["matchExpressions"] as JsonArray)?.Count is null or 0;

    private static bool SelectorMatches(JsonObject selector, JsonObject? labels)
    {
        var have = labels?.ToDictionary(kv => kv.Key, kv => Text(kv.Value), StringComparer.Ordinal) ?? [];
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (!have.TryGetValue(key, out var actual) || actual != Text(value))
            {
                return false;
            }
        }

        foreach (var expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = Text(expression["key"]);
            var values = (expression["values"] as JsonArray ?? []).Select(v => Text(v)).ToList();
            var present = have.TryGetValue(key, out var actual);
            var ok = Text(expression["operator"]) switch
            {
                "In" => present && values.Contains(actual!),
                "NotIn" => !present || !values.Contains(actual!),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // ---- pod spec ------------------------------------------------------------------------------------------

    private static void ValidatePodSpec(JsonObject pod, string path, List<FieldCause> errs)
    {
        var volumeNames = new HashSet<string>(StringComparer.Ordinal);
        if (pod["volumes"] is JsonArray volumes)
        {
            for (var i = 0; i < volumes.Count; i++)
            {
                var name = Text(volumes[i]?["name"]);
                var at = $"{path}.volumes[{i}].name";
                if (name.Length == 0)
                {
                    errs.Add(FieldErrors.Required(at));
                    continue;
                }

                errs.AddRange(ApimachineryValidation.IsDns1123Label(name).Select(m => FieldErrors.Invalid(at, name, m)));
                if (!volumeNames.Add(name))
                {
                    errs.Add(FieldErrors.Duplicate(at, name));
                }
            }
        }

        var containerNames = new HashSet<string>(StringComparer.Ordinal);
        if (pod["initContainers"] is JsonArray init)
        {
            ValidateContainers(init, path + ".initContainers", volumeNames, containerNames, errs);
        }

        if (pod["containers"] is JsonArray { Count: > 0 } containers)
        {
            ValidateContainers(containers, path + ".containers", volumeNames, containerNames, errs);
        }
        else
        {
            errs.Add(FieldErrors.Required(path + ".containers"));
        }

        ValidateLabels(pod["nodeSelector"], path + ".nodeSelector", errs);
    }

    private static void ValidateContainers(JsonArray containers, string path, HashSet<string> volumeNames, HashSet<string> containerNames, List<FieldCause> errs)
    {
        for (var i = 0; i < containers.Count; i++)
        {
            var at = $"{path}[{i}]";
            var c = containers[i] as JsonObject ?? [];
            var name = Text(c["name"]);
            if (name.Length == 0)
            {
                errs.Add(FieldErrors.Required(at + ".name"));
            }
            else
            {
                errs.AddRange(ApimachineryValidation.IsDns1123Label(name).Select(m => FieldErrors.Invalid(at + ".name", name, m)));
                if (!containerNames.Add(name))
                {
                    errs.Add(FieldErrors.Duplicate(at + ".name", name));
                }
            }

            if (Text(c["image"]).Length == 0)
            {
                errs.Add(FieldErrors.Required(at + ".image"));
            }

            var portNames = new HashSet<string>(StringComparer.Ordinal);
            if (c["ports"] is JsonArray ports)
            {
                for (var j = 0; j < ports.Count; j++)
                {
                    var pat = $"{at}.ports[{j}]";
                    var port = ports[j] as JsonObject ?? [];
                    var portName = Text(port["name"]);
                    if (portName.Length > 0)
                    {
                        errs.AddRange(ApimachineryValidation.IsValidPortName(portName).Select(m => FieldErrors.Invalid(pat + ".name", portName, m)));
                        if (!portNames.Add(portName))
                        {
                            errs.Add(FieldErrors.Duplicate(pat + ".name", portName));
                        }
                    }

                    var containerPort = Long(port["containerPort"]);
                    if (port["containerPort"] is null)
                    {
                        errs.Add(FieldErrors.Required(pat + ".containerPort"));
                    }
                    else
                    {
                        errs.AddRange(ApimachineryValidation.IsValidPortNum(containerPort).Select(m => FieldErrors.Invalid(pat + ".containerPort", containerPort, m)));
                    }

                    if (port["hostPort"] is { } hostPortNode && Long(hostPortNode) != 0)
                    {
                        var hostPort = Long(hostPortNode);
                        errs.AddRange(ApimachineryValidation.IsValidPortNum(hostPort).Select(m => FieldErrors.Invalid(pat + ".hostPort", hostPort, m)));
                    }

                    ValidateProtocol(port["protocol"], pat + ".protocol", errs);
                }
            }

            if (c["volumeMounts"] is JsonArray mounts)
            {
                for (var k = 0; k < mounts.Count; k++)
                {
                    var mat = $"{at}.volumeMounts[{k}]";
                    var mountName = Text(mounts[k]?["name"]);
                    if (mountName.Length == 0)
                    {
                        errs.Add(FieldErrors.Required(mat + ".name"));
                    }
                    else if (!volumeNames.Contains(mountName))
                    {
                        errs.Add(FieldErrors.NotFound(mat + ".name", mountName));
                    }

                    if (Text(mounts[k]?["mountPath"]).Length == 0)
                    {
                        errs.Add(FieldErrors.Required(mat + ".mountPath"));
                    }
                }
            }

            if (c["env"] is JsonArray env)
            {
                for (var k = 0; k < env.Count; k++)
                {
                    if (Text(env[k]?["name"]).Length == 0)
                    {
                        errs.Add(FieldErrors.Required($"{at}.env[{k}].name"));
                    }
                }
            }

            if (c["resources"] is JsonObject resources)
            {
                ValidateResourceRequirements(resources, at + ".resources", errs);
            }

            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            {
                if (c[probe]?["httpGet"]?["port"] is { } probePort)
                {
                    ValidatePortNumOrName(probePort, $"{at}.{probe}.httpGet.port", errs);
                }
            }
        }
    }

    // kubernetes pkg/apis/core/validation ValidateResourceRequirements and ValidateResourceQuantityValue: quantities are
    // not negative; a request of a resource that may be overcommitted (cpu, memory, ephemeral-storage: native names
    // without hugepages-) is at most its limit; any other (an extended resource such as nvidia.com/gpu, hugepages) needs
    // a limit equal to the request, and an extended resource is a whole number. The value shown is the quantity as
    // written; the real server shows quantity.String(), its canonical form (the same text for canonical input such as
    // "2", "500m", "8Gi"). Values that do not parse never get here: decoding refused them (DecodeError).
    private static void ValidateResourceRequirements(JsonObject resources, string path, List<FieldCause> errs)
    {
        var limits = Quantities(resources["limits"]);
        var requests = Quantities(resources["requests"]);
        foreach (var (name, (text, value)) in limits)
        {
            ValidateQuantityValue(name, text, value, $"{path}.limits[{name}]", errs);
        }

        foreach (var (name, (text, value)) in requests)
        {
            ValidateQuantityValue(name, text, value, $"{path}.requests[{name}]", errs);
            var overcommit = IsNativeResource(name) && !name.StartsWith("hugepages-", StringComparison.Ordinal);
            if (limits.TryGetValue(name, out var limit))
            {
                if (!overcommit && value != limit.Value)
                {
                    errs.Add(FieldErrors.Invalid(path + ".requests", text, $"must be equal to {name} limit of {limit.Text}"));
                }
                else if (value > limit.Value)
                {
                    errs.Add(FieldErrors.Invalid(path + ".requests", text, $"must be less than or equal to {name} limit of {limit.Text}"));
                }
            }
            else if (!overcommit)
            {
                errs.Add(FieldErrors.Required(path + ".limits", "Limit must be set for non overcommitable resources"));
            }
        }
    }

    private static void ValidateQuantityValue(string name, string text, double value, string path, List<FieldCause> errs)
    {
        if (value < 0)
        {
            errs.Add(FieldErrors.Invalid(path, text, "must be greater than or equal to 0"));
        }

        if (!IsNativeResource(name) && value != Math.Floor(value))
        {
            errs.Add(FieldErrors.Invalid(path, text, "must be an integer"));
        }
    }

    // helper.IsNativeResource: no domain prefix, or one in kubernetes.io.
    private static bool IsNativeResource(string name) => !name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    private static Dictionary<string, (string Text, double Value)> Quantities(JsonNode? list)
    {
        var result = new Dictionary<string, (string, double)>(StringComparer.Ordinal);
        if (list is JsonObject map)
        {
            foreach (var (name, node) in map)
            {
                var text = QuantityText(node);
                if (text is not null && ResourceQuantity.TryParse(text, out var value, out _))
                {
                    result[name] = (text, value);
                }
            }
        }

        return result;
    }

    // A quantity is a JSON string, or a bare number (Quantity.UnmarshalJSON takes both).
    private static string? QuantityText(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<string>(out var s) ? s : v.ToJsonString()
        : null;

    /// <summary>
    /// Why the object cannot be decoded, or null: a resource quantity that does not parse fails the JSON decoding of
    /// the whole object, before any validation (HTTP 400, "&lt;Kind&gt; in version "v1" cannot be handled as a
    /// &lt;Kind&gt;: &lt;ParseQuantity error&gt;"). Checked where the operator and the tests write quantities: container
    /// resources of Pods and pod templates, claim requests and limits, Node capacity and allocatable.
    /// </summary>
    public static string? DecodeError(ResourceType type, JsonObject obj)
    {
        IEnumerable<JsonNode?> lists = (type.Group, type.Kind) switch
        {
            ("apps", "Deployment" or "DaemonSet" or "StatefulSet") => ContainerResourceLists(obj["spec"]?["template"]?["spec"]),
            ("", "Pod") => ContainerResourceLists(obj["spec"]),
            ("", "PersistentVolumeClaim") => [obj["spec"]?["resources"]?["requests"], obj["spec"]?["resources"]?["limits"]],
            ("", "Node") => [obj["status"]?["capacity"], obj["status"]?["allocatable"]],
            _ => [],
        };
        foreach (var list in lists)
        {
            if (list is not JsonObject map)
            {
                continue;
            }

            foreach (var (_, node) in map)
            {
                var text = QuantityText(node);
                if (text is null)
                {
                    return ResourceQuantity.FormatWrong;
                }

                if (!ResourceQuantity.TryParse(text, out _, out var error))
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static IEnumerable<JsonNode?> ContainerResourceLists(JsonNode? podSpec)
    {
        foreach (var key in new[] { "initContainers", "containers" })
        {
            if (podSpec?[key] is JsonArray containers)
            {
                foreach (var container in containers)
                {
                    yield return container?["resources"]?["requests"];
                    yield return container?["resources"]?["limits"];
                }
            }
        }
    }

    private static void ValidateProtocol(JsonNode? protocol, string path, List<FieldCause> errs)
    {
        if (protocol is null)
        {
            errs.Add(FieldErrors.Required(path));
        }
        else if (Text(protocol) is not ("TCP" or "UDP" or "SCTP"))
        {
            errs.Add(FieldErrors.NotSupported(path, Text(protocol), "SCTP", "TCP", "UDP"));
        }
    }

    private static void ValidatePortNumOrName(JsonNode port, string path, List<FieldCause> errs)
    {
        if (port is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var name = v.GetValue<string>();
            errs.AddRange(ApimachineryValidation.IsValidPortName(name).Select(m => FieldErrors.Invalid(path, name, m)));
        }
        else
        {
            var number = Long(port);
            errs.AddRange(ApimachineryValidation.IsValidPortNum(number).Select(m => FieldErrors.Invalid(path, number, m)));
        }
    }

    // ---- Service -------------------------------------------------------------------------------------------

    private static void ValidateService(JsonObject obj, List<FieldCause> errs)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        var type = Text(spec["type"]);
        if (type is not ("ClusterIP" or "ExternalName" or "LoadBalancer" or "NodePort"))
        {
            errs.Add(FieldErrors.NotSupported("spec.type", type, "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"));
        }

        var headless = Text(spec["clusterIP"]) == "None";
        var ports = spec["ports"] as JsonArray ?? [];
        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            errs.Add(FieldErrors.Required("spec.ports"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var at = $"spec.ports[{i}]";
            var port = ports[i] as JsonObject ?? [];
            var name = Text(port["name"]);
            if (name.Length == 0)
            {
                if (ports.Count > 1)
                {
                    errs.Add(FieldErrors.Required(at + ".name"));
                }
            }
            else
            {
                errs.AddRange(ApimachineryValidation.IsDns1123Label(name).Select(m => FieldErrors.Invalid(at + ".name", name, m)));
                if (!names.Add(name))
                {
                    errs.Add(FieldErrors.Duplicate(at + ".name", name));
                }
            }

            var number = Long(port["port"]);
            errs.AddRange(ApimachineryValidation.IsValidPortNum(number).Select(m => FieldErrors.Invalid(at + ".port", number, m)));
            ValidateProtocol(port["protocol"], at + ".protocol", errs);
            if (port["targetPort"] is { } target)
            {
                ValidatePortNumOrName(target, at + ".targetPort", errs);
            }
        }

        if (type != "ExternalName")
        {
            ValidateLabels(spec["selector"], "spec.selector", errs);
        }
    }

    // ---- ConfigMap / Secret --------------------------------------------------------------------------------

    private static void ValidateConfigMap(JsonObject obj, List<FieldCause> errs)
    {
        long total = 0;
        var data = obj["data"] as JsonObject ?? [];
        foreach (var (key, value) in data)
        {
            errs.AddRange(ApimachineryValidation.IsConfigMapKey(key).Select(m => FieldErrors.Invalid($"data[{key}]", key, m)));
            total += Encoding.UTF8.GetByteCount(Text(value));
        }

        foreach (var (key, value) in obj["binaryData"] as JsonObject ?? [])
        {
            errs.AddRange(ApimachineryValidation.IsConfigMapKey(key).Select(m => FieldErrors.Invalid($"binaryData[{key}]", key, m)));
            if (data.ContainsKey(key))
            {
                errs.Add(FieldErrors.Invalid($"binaryData[{key}]", key, "duplicate of key present in data"));
            }

            total += DecodedLength(Text(value));
        }

        if (total > MaxDataSize)
        {
            errs.Add(FieldErrors.TooLong(string.Empty, MaxDataSize));
        }
    }

    private static void ValidateSecret(JsonObject obj, List<FieldCause> errs)
    {
        long total = 0;
        foreach (var (key, value) in obj["data"] as JsonObject ?? [])
        {
            errs.AddRange(ApimachineryValidation.IsConfigMapKey(key).Select(m => FieldErrors.Invalid($"data[{key}]", key, m)));
            total += DecodedLength(Text(value));
        }

        if (total > MaxDataSize)
        {
            errs.Add(FieldErrors.TooLong("data", MaxDataSize));
        }
    }

    private static long DecodedLength(string base64)
    {
        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? written : base64.Length;
    }

    // ---- Node, Lease, RuntimeClass -------------------------------------------------------------------------

    private static void ValidateNode(JsonObject obj, List<FieldCause> errs)
    {
        if (obj["spec"]?["taints"] is not JsonArray taints)
        {
            return;
        }

        for (var i = 0; i < taints.Count; i++)
        {
            var at = $"spec.taints[{i}]";
            var key = Text(taints[i]?["key"]);
            errs.AddRange(ApimachineryValidation.IsQualifiedName(key).Select(m => FieldErrors.Invalid(at + ".key", key, m)));
            var value = Text(taints[i]?["value"]);
            errs.AddRange(ApimachineryValidation.IsValidLabelValue(value).Select(m => FieldErrors.Invalid(at + ".value", value, m)));
            var effect = Text(taints[i]?["effect"]);
            if (effect.Length == 0)
            {
                errs.Add(FieldErrors.Required(at + ".effect"));
            }
            else if (effect is not ("NoExecute" or "NoSchedule" or "PreferNoSchedule"))
            {
                errs.Add(FieldErrors.NotSupported(at + ".effect", effect, "NoExecute", "NoSchedule", "PreferNoSchedule"));
            }
        }
    }

    private static void ValidateLease(JsonObject obj, List<FieldCause> errs)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["leaseDurationSeconds"] is { } duration && Long(duration) <= 0)
        {
            errs.Add(FieldErrors.Invalid("spec.leaseDurationSeconds", Long(duration), "must be greater than 0"));
        }

        if (spec["leaseTransitions"] is { } transitions && Long(transitions) < 0)
        {
            errs.Add(FieldErrors.Invalid("spec.leaseTransitions", Long(transitions), "must be greater than or equal to 0"));
        }
    }

    private static void ValidateRuntimeClass(JsonObject obj, JsonObject? old, List<FieldCause> errs)
    {
        var handler = Text(obj["handler"]);
        errs.AddRange(ApimachineryValidation.IsDns1123Label(handler).Select(m => FieldErrors.Invalid("handler", handler, m)));
        if (old is not null && Text(old["handler"]) != handler)
        {
            errs.Add(FieldErrors.Invalid("handler", handler, "field is immutable"));
        }

        ValidateLabels(obj["scheduling"]?["nodeSelector"], "scheduling.nodeSelector", errs);
    }

    // ---- JSON helpers --------------------------------------------------------------------------------------

    private static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static long Long(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() is var raw && long.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
}
