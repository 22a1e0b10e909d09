using System.Text;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Inspection;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;
using Daalu.Operator.Tests.Support;
using Daalu.TestDoubles.HuggingFace;
using k8s.Models;

namespace Daalu.Operator.Tests.Inspection;

/// <summary>
/// The inspection Pod and its termination message. The script is run with python3 on the real config.json files the
/// Hub double serves (HubModels); the message limit is Kubernetes' (4096 bytes per container, kubernetes.io "Determine
/// the Reason for Pod Failure", Customizing the termination message).
/// </summary>
public sealed class WeightsInspectorTests
{
    public static TheoryData<string> HubModelIds() => [.. HubModels.All.Select(m => m.Id)];

    [SkippableTheory]
    [MemberData(nameof(HubModelIds))]
    public void Script_RealConfig_SummaryParsesToTheFiguresOfTheFullConfigAndStaysCompact(string id)
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);
        var repository = HubModels.All.Single(m => m.Id == id);

        var (exitCode, message) = InspectionScript.RunOn(repository);

        Assert.Equal(0, exitCode);
        Assert.True(Encoding.UTF8.GetByteCount(message) < 1024, $"summary of {id} is {Encoding.UTF8.GetByteCount(message)} bytes: {message}");
        var fromPod = WeightsInspector.Parse(message, "pvc:models").Architecture!;
        var fromHub = ModelConfigParser.Parse(repository.ConfigJson, repository.IndexTotalSize ?? repository.SingleFileSize, "pvc:models");
        Assert.Equal(fromHub, fromPod);
    }

    [SkippableFact]
    public void Script_NoConfigJson_ExitTwoNamesTheFile()
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);

        var (exitCode, message) = InspectionScript.Run(_ => { });

        Assert.Equal(2, exitCode);
        Assert.Equal("""{"error":"missing","file":"config.json"}""", message);
    }

    [SkippableFact]
    public void Script_IndexNotJson_ExitThreeNamesTheFile()
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);

        var (exitCode, message) = InspectionScript.Run(d =>
        {
            File.WriteAllText(Path.Combine(d, "config.json"), HubModels.Qwen25With7BInstruct.ConfigJson);
            File.WriteAllText(Path.Combine(d, "model.safetensors.index.json"), "{\"metadata\": ");
        });

        Assert.Equal(3, exitCode);
        var state = WeightsInspector.Read(Terminated(exitCode, message), "pvc:models");
        Assert.True(state is { Finished: true, Definitive: true, Reason: PlanReasons.ModelConfigUnreadable });
        Assert.StartsWith("model.safetensors.index.json in pvc:models is not valid (", state.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ExitZeroWithTruncatedSummary_DefinitiveUnreadable()
    {
        // The kubelet cuts a message at 4096 bytes; what is left is not JSON and must not be guessed at.
        var state = WeightsInspector.Read(Terminated(0, "{\"config\":{\"num_hidden_layers\":28,"), "pvc:models");

        Assert.True(state is { Finished: true, Summary: null, Definitive: true, Reason: PlanReasons.ModelConfigUnreadable });
    }

    [Fact]
    public void Read_ConfigMissing_DefinitiveNotFoundNamingFileAndSource()
    {
        var state = WeightsInspector.Read(Terminated(2, """{"error":"missing","file":"config.json"}"""), "hostPath:node-a:/srv/m");

        Assert.True(state is { Finished: true, Definitive: true, Reason: PlanReasons.ModelConfigNotFound });
        Assert.Equal("hostPath:node-a:/srv/m has no config.json (read by Pod ms-x-weights-1): vLLM needs config.json and the safetensors weights there.", state.Message);
    }

    [Fact]
    public void Read_OomKilledWithLogTail_NotDefinitiveWithExitCodeAndReason()
    {
        var state = WeightsInspector.Read(Terminated(137, "Traceback (most recent call last):\n  MemoryError", "OOMKilled"), "pvc:models");

        Assert.True(state is { Finished: true, Definitive: false, Reason: null });
        Assert.Equal("Pod ms-x-weights-1 reading pvc:models failed (exit code 137, OOMKilled): Traceback (most recent call last):   MemoryError", state.Message);
    }

    [Fact]
    public void Read_ImagePullBackOff_WaitingAndSaysWhy()
    {
        var pod = Pod();
        pod.Status = new V1PodStatus
        {
            Phase = "Pending",
            ContainerStatuses = [new V1ContainerStatus { Name = WeightsInspector.ContainerName, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff", Message = "Back-off pulling image" } } }],
        };

        var state = WeightsInspector.Read(pod, "pvc:models");

        Assert.False(state.Finished);
        Assert.Contains("ImagePullBackOff (Back-off pulling image)", state.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PodFailedOnDeadlineBeforeTheContainerEnded_NotDefinitive()
    {
        var pod = Pod();
        pod.Status = new V1PodStatus { Phase = "Failed", Reason = "DeadlineExceeded", Message = "Pod was active on the node longer than the specified deadline" };

        var state = WeightsInspector.Read(pod, "pvc:models");

        Assert.True(state is { Finished: true, Definitive: false, Summary: null });
        Assert.Contains("DeadlineExceeded", state.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildPod_PvcWeights_RestrictedReadOnlyOnTheTargetNodeWithoutGpu()
    {
        var ms = Fixtures.ModelServing("inhouse", configure: s => s.Weights = new WeightsSource { Pvc = new PvcSource { ClaimName = "models", SubPath = "/qwen/" } });
        ms.Metadata.Uid = "uid-1";
        var source = WeightsInspector.Source(ms.Spec.Weights, "node-a")!;

        var pod = WeightsInspector.BuildPod(ms, source, "node-a");

        Assert.Equal("pvc:models/qwen", source);
        Assert.Equal(WeightsInspector.PodName(ms, source), pod.Metadata.Name);
        Assert.Equal("uid-1", Assert.Single(pod.Metadata.OwnerReferences).Uid);
        Assert.Equal("node-a", pod.Spec.NodeSelector["kubernetes.io/hostname"]);
        Assert.Equal("Never", pod.Spec.RestartPolicy);
        Assert.False(pod.Spec.AutomountServiceAccountToken);
        var volume = Assert.Single(pod.Spec.Volumes);
        Assert.True(volume.PersistentVolumeClaim is { ClaimName: "models", ReadOnlyProperty: true });
        var container = Assert.Single(pod.Spec.Containers);
        Assert.True(Assert.Single(container.VolumeMounts) is { Name: "weights", MountPath: "/models", ReadOnlyProperty: true });
        Assert.Equal("/models/qwen", container.Command[3]); // the directory vLLM's --model points at
        Assert.Equal(EngineSettings.DefaultImage, container.Image);
        Assert.Equal(("/dev/termination-log", "FallbackToLogsOnError"), (container.TerminationMessagePath, container.TerminationMessagePolicy));
        Assert.DoesNotContain("nvidia.com/gpu", container.Resources.Limits.Keys);
        // Pod Security Standard "restricted": non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
        Assert.True(pod.Spec.SecurityContext is { RunAsNonRoot: true, SeccompProfile.Type: "RuntimeDefault" });
        Assert.True(container.SecurityContext is { AllowPrivilegeEscalation: false, ReadOnlyRootFilesystem: true });
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
    }

    [Fact]
    public void Source_HostPath_NamesTheNodeSoAnotherNodeIsReadAgain()
    {
        var weights = new WeightsSource { HostPath = new HostPathSource { Path = "/srv/models/coder" } };

        Assert.Equal("hostPath:node-a:/srv/models/coder", WeightsInspector.Source(weights, "node-a"));
        Assert.NotEqual(WeightsInspector.Source(weights, "node-a"), WeightsInspector.Source(weights, "node-b"));
        Assert.Null(WeightsInspector.Source(new WeightsSource { HuggingFace = new HuggingFaceSource() }, "node-a"));
    }

    private static V1Pod Pod() => new() { Metadata = new V1ObjectMeta { Name = "ms-x-weights-1", NamespaceProperty = "team-a" } };

    private static V1Pod Terminated(int exitCode, string message, string? reason = null)
    {
        var pod = Pod();
        pod.Status = new V1PodStatus
        {
            Phase = exitCode == 0 ? "Succeeded" : "Failed",
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = WeightsInspector.ContainerName,
                    State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Message = message, Reason = reason, FinishedAt = DateTime.UtcNow } },
                },
            ],
        };
        return pod;
    }
}
