using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;
using k8s.Models;

namespace Daalu.Operator.Inspection;

/// <summary>
/// Reads pre-staged weights (a PersistentVolumeClaim or a host path) the Kubernetes way: the operator cannot mount
/// volumes, so a short-lived Pod on the target node mounts the same volume read-only, runs a few lines of Python in the
/// vLLM image (which has python3), and prints a compact JSON summary (the config.json fields the planner reads, and
/// <c>metadata.total_size</c> of model.safetensors.index.json) to its termination message. The operator reads it from
/// <c>status.containerStatuses[].state.terminated.message</c>.
/// </summary>
/// <remarks>
/// Kubernetes termination messages (https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/#customizing-the-termination-message):
/// the kubelet reads the file at <c>terminationMessagePath</c> (default <c>/dev/termination-log</c>) when the container
/// ends and truncates messages longer than 4096 bytes (12 KiB across all containers of a Pod); with
/// <c>terminationMessagePolicy: FallbackToLogsOnError</c> an empty file on an error exit is replaced by the last 2048
/// bytes or 80 lines of the log. So the summary holds only <see cref="ModelConfigParser.ConfigFields"/> (strings cut to
/// 64 characters): 255-342 bytes for the five real configs of the tests (a test holds them under 1 KiB), and a truncated (invalid) summary is reported, never guessed at.
/// Pure: builds the Pod and reads its status; the reconciler does the I/O.
/// </remarks>
public static class WeightsInspector
{
    /// <summary>The container's name.</summary>
    public const string ContainerName = "inspect";

    /// <summary>Where the kubelet reads the termination message (the Kubernetes default path).</summary>
    public const string TerminationMessagePath = "/dev/termination-log";

    /// <summary>The longest termination message the kubelet keeps, in bytes.</summary>
    public const int TerminationMessageLimit = 4096;

    /// <summary>How long the container may run before Kubernetes fails the Pod (activeDeadlineSeconds).</summary>
    public const long DeadlineSeconds = 300;

    /// <summary>
    /// The inspection: argv[1] the model directory, argv[2] the config fields to keep (comma-separated), argv[3] the
    /// termination message file. Exit 0 with {"config":{...},"totalSize":N}; exit 2 with {"error":"missing","file":...};
    /// exit 3 with {"error":"invalid","file":...,"detail":...}. Without an index, the sizes of the *.safetensors files
    /// are summed (a single-file checkpoint), as vLLM loads them.
    /// </summary>
    public const string Script =
        "import json,os,sys\n" +
        "d,keys,out=sys.argv[1],sys.argv[2].split(','),sys.argv[3]\n" +
        "def done(o,code):\n" +
        "    with open(out,'w') as f:f.write(json.dumps(o,separators=(',',':')))\n" +
        "    sys.exit(code)\n" +
        "def load(n):\n" +
        "    try:\n" +
        "        with open(os.path.join(d,n)) as f:return json.load(f)\n" +
        "    except FileNotFoundError:done({'error':'missing','file':n},2)\n" +
        "    except (OSError,ValueError) as e:done({'error':'invalid','file':n,'detail':str(e)[:300]},3)\n" +
        "def pick(c):\n" +
        "    r={k:(v[:64] if isinstance(v,str) else v) for k,v in c.items() if k in keys and isinstance(v,(int,float,str,bool))}\n" +
        "    q=c.get('quantization_config')\n" +
        "    if isinstance(q,dict) and isinstance(q.get('quant_method'),str):r['quantization_config']={'quant_method':q['quant_method'][:64]}\n" +
        "    t=c.get('text_config')\n" +
        "    if isinstance(t,dict):r['text_config']=pick(t)\n" +
        "    return r\n" +
        "c=load('config.json')\n" +
        "if not isinstance(c,dict):done({'error':'invalid','file':'config.json','detail':'not a JSON object'},3)\n" +
        "if os.path.exists(os.path.join(d,'model.safetensors.index.json')):\n" +
        "    i=load('model.safetensors.index.json')\n" +
        "    s=i.get('metadata',{}).get('total_size') if isinstance(i,dict) and isinstance(i.get('metadata'),dict) else None\n" +
        "    if not isinstance(s,int) or s<=0:done({'error':'invalid','file':'model.safetensors.index.json','detail':'no metadata.total_size'},3)\n" +
        "else:\n" +
        "    s=sum(os.path.getsize(os.path.join(d,n)) for n in os.listdir(d) if n.endswith('.safetensors'))\n" +
        "    if s<=0:done({'error':'missing','file':'model.safetensors.index.json'},2)\n" +
        "done({'config':pick(c),'totalSize':s},0)";

    /// <summary>
    /// The weights source a ModelServing reads from, as stored in status.weightsInspection.source, or null when its
    /// weights are not pre-staged: <c>pvc:&lt;claim&gt;[/&lt;subPath&gt;]</c>, or <c>hostPath:&lt;node&gt;:&lt;path&gt;</c> (a host
    /// directory is per node, so another node is read again).
    /// </summary>
    public static string? Source(WeightsSource? weights, string? nodeName)
    {
        if (weights?.Pvc is { } pvc)
        {
            var sub = pvc.SubPath?.Trim('/');
            return string.IsNullOrEmpty(sub) ? $"pvc:{pvc.ClaimName}" : $"pvc:{pvc.ClaimName}/{sub}";
        }

        return weights?.HostPath is { } hostPath ? $"hostPath:{nodeName}:{hostPath.Path}" : null;
    }

    /// <summary>The Pod's name: the vLLM children's name, "-weights-" and a hash of the source (a new source gets a new Pod).</summary>
    public static string PodName(ModelServing modelServing, string source)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        ArgumentNullException.ThrowIfNull(source);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..8];
        return $"{ChildNames.ForModelServing(modelServing.Metadata.Name)}-weights-{hash}";
    }

    /// <summary>
    /// The inspection Pod: on <paramref name="nodeName"/> (where vLLM will run: a host path is that node's, and a
    /// ReadWriteOnce claim can be mounted by several pods of one node), the weights volume mounted read-only at the path
    /// vLLM uses, no GPU, no service account token, and a security context that meets the "restricted" Pod Security
    /// Standard (a hostPath volume itself is only allowed by "privileged", as for the vLLM pod).
    /// </summary>
    public static V1Pod BuildPod(ModelServing modelServing, string source, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(modelServing);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        var weights = modelServing.Spec?.Weights ?? throw new ArgumentException("the ModelServing has no pre-staged weights", nameof(modelServing));
        var image = (modelServing.Spec.Engine ?? new EngineSettings()).Image;
        var labels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/name"] = "vllm-weights-inspection",
            [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
            [WellKnown.ModelServingLabel] = ChildNames.LabelValue(modelServing.Metadata.Name),
        };

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = PodName(modelServing, source),
                NamespaceProperty = modelServing.Metadata.NamespaceProperty,
                Labels = labels,
                OwnerReferences = [VllmBuilder.OwnerReference(modelServing)],
            },
            Spec = new V1PodSpec
            {
                RestartPolicy = "Never",
                ActiveDeadlineSeconds = DeadlineSeconds,
                NodeSelector = new Dictionary<string, string> { [WellKnown.HostnameLabel] = nodeName },
                Tolerations = [new V1Toleration { Key = WellKnown.GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }],
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = 5,
                SecurityContext = RestrictedPodSecurity.NonRoot(1000, fsGroup: false),
                Containers =
                [
                    new V1Container
                    {
                        Name = ContainerName,
                        Image = image,
                        ImagePullPolicy = "IfNotPresent",
                        Command = ["python3", "-c", Script, VllmBuilder.PrestagedDirectory(weights), string.Join(',', ModelConfigParser.ConfigFields), TerminationMessagePath],
                        Env = [new V1EnvVar { Name = "PYTHONDONTWRITEBYTECODE", Value = "1" }],
                        TerminationMessagePath = TerminationMessagePath,
                        TerminationMessagePolicy = "FallbackToLogsOnError",
                        Resources = new V1ResourceRequirements
                        {
                            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("64Mi") },
                            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
                        },
                        SecurityContext = new V1SecurityContext
                        {
                            AllowPrivilegeEscalation = false,
                            Capabilities = new V1Capabilities { Drop = ["ALL"] },
                            ReadOnlyRootFilesystem = true,
                            RunAsNonRoot = true,
                        },
                        VolumeMounts = [VllmBuilder.WeightsMount()],
                    },
                ],
                Volumes = [VllmBuilder.WeightsVolume(weights)],
            },
        };
    }

    /// <summary>What the Pod's status says: waiting (and on what), a summary, or a failure.</summary>
    public static WeightsInspectionState Read(V1Pod pod, string source)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var name = pod.Metadata?.Name;
        var status = pod.Status;
        var container = status?.ContainerStatuses?.FirstOrDefault(c => c.Name == ContainerName);
        if (container?.State?.Terminated is { } terminated)
        {
            var finishedAt = terminated.FinishedAt is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            var message = terminated.Message ?? string.Empty;
            if (terminated.ExitCode == 0)
            {
                return IsSummary(message)
                    ? new WeightsInspectionState(true, message.Trim(), null, $"Pod {name} read {source}.", false, finishedAt)
                    : new WeightsInspectionState(true, null, PlanReasons.ModelConfigUnreadable,
                        $"Pod {name} ended without a readable summary of {source} in its termination message ({Cut(message)}).", true, finishedAt);
            }

            if (FileError(message) is { } error)
            {
                return error.Missing
                    ? new WeightsInspectionState(true, null, PlanReasons.ModelConfigNotFound,
                        $"{source} has no {error.File} (read by Pod {name}): vLLM needs config.json and the safetensors weights there.", true, finishedAt)
                    : new WeightsInspectionState(true, null, PlanReasons.ModelConfigUnreadable,
                        $"{error.File} in {source} is not valid ({error.Detail}; read by Pod {name}).", true, finishedAt);
            }

            return new WeightsInspectionState(true, null, null,
                $"Pod {name} reading {source} failed (exit code {terminated.ExitCode}{(string.IsNullOrEmpty(terminated.Reason) ? string.Empty : ", " + terminated.Reason)}): {Cut(message)}",
                false, finishedAt);
        }

        if (status?.Phase is "Failed")
        {
            // Killed before the container ended on its own: the deadline, an eviction, the node going away.
            return new WeightsInspectionState(true, null, null,
                $"Pod {name} reading {source} failed ({status.Reason ?? "no reason given"}): {Cut(status.Message ?? string.Empty)}", false, null);
        }

        if (container?.State?.Waiting is { Reason: { } waitReason } waiting)
        {
            return WeightsInspectionState.Waiting($"Pod {name} is reading {source}; its container waits: {waitReason}{(string.IsNullOrEmpty(waiting.Message) ? string.Empty : " (" + Cut(waiting.Message) + ")")}.");
        }

        if (status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
        {
            return WeightsInspectionState.Waiting($"Pod {name} that reads {source} is not scheduled: {unscheduled.Reason} ({Cut(unscheduled.Message ?? string.Empty)}).");
        }

        return WeightsInspectionState.Waiting($"Pod {name} is reading config.json and model.safetensors.index.json from {source}.");
    }

    /// <summary>The model figures in a summary the Pod printed (a <see cref="ModelConfigResult"/> failure when it lacks one).</summary>
    public static ModelConfigResult Parse(string summary, string source)
    {
        ArgumentNullException.ThrowIfNull(summary);
        try
        {
            var root = JsonNode.Parse(summary)?.AsObject() ?? throw new FormatException("the summary is empty");
            var config = root["config"]?.ToJsonString() ?? throw new FormatException("the summary has no config");
            var size = root["totalSize"]?.GetValue<long>() ?? throw new FormatException("the summary has no totalSize");
            return ModelConfigResult.Of(ModelConfigParser.Parse(config, size, source));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return ModelConfigResult.Failed(PlanReasons.ModelConfigUnreadable, $"The config.json in {source} does not give what the plan needs: {ex.Message}.", definitive: true);
        }
    }

    private static bool IsSummary(string message)
    {
        try
        {
            return JsonNode.Parse(message) is JsonObject o && o["config"] is JsonObject && o["totalSize"] is JsonValue;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static (bool Missing, string File, string Detail)? FileError(string message)
    {
        try
        {
            if (JsonNode.Parse(message) is JsonObject o && o["error"]?.GetValue<string>() is { } error && o["file"]?.GetValue<string>() is { } file)
            {
                return (error == "missing", file, o["detail"]?.GetValue<string>() ?? error);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        return null;
    }

    // Condition messages stay short; a log tail (FallbackToLogsOnError) can be 2 KiB.
    private static string Cut(string text)
    {
        var oneLine = text.Trim().ReplaceLineEndings(" ");
        return oneLine.Length <= 300 ? oneLine : string.Concat(oneLine.AsSpan(0, 300), "...");
    }
}
