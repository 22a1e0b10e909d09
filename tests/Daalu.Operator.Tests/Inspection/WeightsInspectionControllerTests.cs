using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Controllers;
using Daalu.Operator.Gpu;
using Daalu.Operator.Inspection;
using Daalu.Operator.Models;
using Daalu.Operator.Planning;
using Daalu.Operator.Tests.Support;
using Daalu.TestDoubles.HuggingFace;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Inspection;

/// <summary>
/// The operator end to end (API test server, real HTTP) reading pre-staged weights with an inspection Pod. The test plays
/// the kubelet: it runs the Pod's own script with python3 on the real config.json files the Hub double serves and writes
/// the container's terminated state with that termination message, as the kubelet does from terminationMessagePath.
/// </summary>
public sealed class WeightsInspectionControllerTests
{
    private const string Ns = "team-a";

    [SkippableFact]
    public async Task PvcWeights_KubeletReportsSummary_PlannedFromTheVolumeOnceAndPodDeleted()
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("inhouse", configure: s =>
        {
            s.Model = "acme/inhouse-small";
            s.Weights = new WeightsSource { Pvc = new PvcSource { ClaimName = "models", SubPath = "small" } };
        }));

        var pod = await InspectionPodAsync(h, "inhouse");
        var waiting = await WaitAsync(h, "inhouse", m => Ready(m)?.Reason == ModelServingReasons.InspectingWeights, "InspectingWeights");
        Assert.Equal(ModelServingPhases.Pending, waiting.Status!.Phase);
        Assert.Null(await h.TryGetDeploymentAsync(Ns, "ms-inhouse"));
        Assert.Equal("node-a", pod.Spec.NodeSelector["kubernetes.io/hostname"]);
        Assert.Equal("models", pod.Spec.Volumes.Single(v => v.Name == "weights").PersistentVolumeClaim.ClaimName);

        var (exitCode, message) = InspectionScript.RunOn(HubModels.Qwen25With05BInstruct);
        await ClusterStandIns.TerminatePodAsync(h.Client, Ns, pod.Metadata.Name, exitCode, message);

        var planned = await WaitAsync(h, "inhouse", m => m.Status?.Fit is not null, "plan in status");
        var fit = planned.Status!.Fit!;
        Assert.Equal("pvc:models/small", fit.Source);
        var card = GpuCard.ForClass(GpuClasses.Rtx2000Ada)!;
        var expected = VramPlanner.Plan(new PlanRequest(card.GpuClass, card.MemoryMiB, 1, ModelPurposes.General, "acme/inhouse-small", null, 0.9, 1, null,
            ModelConfigParser.Parse(HubModels.Qwen25With05BInstruct.ConfigJson, HubModels.Qwen25With05BInstruct.SingleFileSize, "pvc:models/small")));
        Assert.Equal(expected.MaxContext, fit.MaxContext);
        Assert.Equal(expected.MaxNumSeqs, fit.MaxNumSeqs);
        Assert.Equal(("pvc:models/small", message.Trim()), (planned.Status.WeightsInspection!.Source, planned.Status.WeightsInspection.Summary));
        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync(Ns, "ms-inhouse"), d => true, "Deployment");
        var args = deployment.Spec.Template.Spec.Containers[0].Args;
        Assert.Equal("/models/small", args[args.IndexOf("--model") + 1]);
        Assert.Equal(expected.MaxContext.ToString(System.Globalization.CultureInfo.InvariantCulture), args[args.IndexOf("--max-model-len") + 1]);
        await OperatorHarness.EventuallyAsync(() => Task.FromResult(h.Server.Peek("pods", Ns, pod.Metadata.Name) is null), "inspection Pod deleted");

        // Read once per source: later reconciles (resync every 250 ms, detection polls) plan from status, no new Pod.
        var before = h.Reconciles("ModelServing");
        await OperatorHarness.EventuallyAsync(() => Task.FromResult(h.Reconciles("ModelServing") - before >= 4), "four more reconciles");
        Assert.Equal(1, h.Server.Requests.Count(r => r is { User: "operator", Verb: "create", Resource: "pods" }));

        // A kept summary that no longer parses (another operator version, an edit) is read again, not trusted.
        await h.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"weightsInspection":{"source":"pvc:models/small","summary":"{}"}}}""", V1Patch.PatchType.MergePatch),
            OperatorHarness.Group, OperatorHarness.Version, Ns, "modelservings", "inhouse");
        await OperatorHarness.EventuallyAsync(() => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, Ns)), p => true, "a new inspection Pod");
    }

    [SkippableFact]
    public async Task HostPathWeights_ConfigJsonMissing_FailedNamingFileAndSourceNoDeployment()
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("empty", configure: s =>
        {
            s.Model = "acme/not-there";
            s.Weights = new WeightsSource { HostPath = new HostPathSource { Path = "/srv/models/empty" } };
        }));
        var pod = await InspectionPodAsync(h, "empty");

        var (exitCode, message) = InspectionScript.Run(_ => { });
        await ClusterStandIns.TerminatePodAsync(h.Client, Ns, pod.Metadata.Name, exitCode, message);

        var failed = await WaitAsync(h, "empty", m => m.Status?.Phase == ModelServingPhases.Failed, "Failed");
        var condition = failed.Status!.Conditions.Single(c => c.Type == ModelServingReasons.ModelDoesNotFitCondition);
        Assert.Equal(PlanReasons.ModelConfigNotFound, condition.Reason);
        Assert.StartsWith($"hostPath:node-a:/srv/models/empty has no config.json (read by Pod {pod.Metadata.Name})", condition.Message, StringComparison.Ordinal);
        Assert.Equal(ModelServingReasons.NotDeployable, Ready(failed)!.Reason);
        Assert.Null(await h.TryGetDeploymentAsync(Ns, "ms-empty"));
        Assert.NotNull(h.Server.Peek("pods", Ns, pod.Metadata.Name)); // kept, so its status shows why until the retry
    }

    [SkippableFact]
    public async Task PvcWeights_IndexNotJson_FailedUnreadable()
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("broken", configure: s =>
        {
            s.Model = "acme/broken";
            s.Weights = new WeightsSource { Pvc = new PvcSource { ClaimName = "models" } };
        }));
        var pod = await InspectionPodAsync(h, "broken");

        var (exitCode, message) = InspectionScript.Run(d =>
        {
            File.WriteAllText(Path.Combine(d, "config.json"), HubModels.Mistral7BInstructV03.ConfigJson);
            File.WriteAllText(Path.Combine(d, "model.safetensors.index.json"), "<html>LFS pointer</html>");
        });
        await ClusterStandIns.TerminatePodAsync(h.Client, Ns, pod.Metadata.Name, exitCode, message);

        var failed = await WaitAsync(h, "broken", m => m.Status?.Phase == ModelServingPhases.Failed, "Failed");
        var condition = failed.Status!.Conditions.Single(c => c.Type == ModelServingReasons.ModelDoesNotFitCondition);
        Assert.Equal(PlanReasons.ModelConfigUnreadable, condition.Reason);
        Assert.StartsWith("model.safetensors.index.json in pvc:models is not valid (", condition.Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync(Ns, "ms-broken"));
    }

    [SkippableFact]
    public async Task PvcWeights_PodKilledWithoutSummary_WaitsThenRunsANewPodAfterTheRetryDelay()
    {
        Skip.IfNot(InspectionScript.Available, InspectionScript.MissingReason);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("flaky", configure: s =>
        {
            s.Model = "acme/flaky";
            s.Weights = new WeightsSource { Pvc = new PvcSource { ClaimName = "models" } };
        }));
        var first = await InspectionPodAsync(h, "flaky");

        // FallbackToLogsOnError: an empty message file on an error exit becomes the log tail.
        await ClusterStandIns.TerminatePodAsync(h.Client, Ns, first.Metadata.Name, 137, "Killed", "OOMKilled");

        var failed = await WaitAsync(h, "flaky", m => Ready(m)?.Reason == ModelServingReasons.WeightsInspectionFailed, "WeightsInspectionFailed");
        Assert.Equal(ModelServingPhases.Pending, failed.Status!.Phase);
        Assert.StartsWith($"Pod {first.Metadata.Name} reading pvc:models failed (exit code 137, OOMKilled): Killed It is read again after ", Ready(failed)!.Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync(Ns, "ms-flaky"));

        h.Settings.WeightsInspectionRetry = TimeSpan.Zero;
        var second = await OperatorHarness.EventuallyAsync(() => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPodAsync(first.Metadata.Name, Ns)),
            p => p.Metadata.Uid != first.Metadata.Uid, "a new inspection Pod");
        var (exitCode, message) = InspectionScript.RunOn(HubModels.Qwen25With05BInstruct);
        await ClusterStandIns.TerminatePodAsync(h.Client, Ns, second.Metadata.Name, exitCode, message);

        await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync(Ns, "ms-flaky"), d => true, "Deployment after the second inspection");
    }

    [Fact]
    public async Task HostPathWeights_PodCreateForbidden_ConditionSaysRefusedThenRetried()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        // What a namespace enforcing Pod Security "restricted" answers to a hostPath volume (admission refuses the create).
        h.Server.InjectFailure(new KubeApiServer.FailureRule { Verb = "create", Resource = "pods", Namespace = Ns, StatusCode = 403, Times = 1000 });
        await h.CreateModelServingAsync(Fixtures.ModelServing("locked", configure: s =>
        {
            s.Model = "acme/locked";
            s.Weights = new WeightsSource { HostPath = new HostPathSource { Path = "/srv/models/locked" } };
        }));

        var refused = await WaitAsync(h, "locked", m => Ready(m)?.Reason == ModelServingReasons.WeightsInspectionFailed, "WeightsInspectionFailed");
        Assert.StartsWith("The API server refused the inspection Pod ms-locked-weights-", Ready(refused)!.Message, StringComparison.Ordinal);
        Assert.EndsWith("(403): injected failure", Ready(refused)!.Message, StringComparison.Ordinal);

        h.Server.ClearFailures();
        await InspectionPodAsync(h, "locked"); // the next attempt, after RetryInterval, is admitted
    }

    private static async Task<V1Pod> InspectionPodAsync(OperatorHarness h, string name)
    {
        var ms = (await h.GetModelServingAsync(Ns, name))!;
        var source = WeightsInspector.Source(ms.Spec.Weights, "node-a")!;
        return await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPodAsync(WeightsInspector.PodName(ms, source), Ns)), p => true, "inspection Pod");
    }

    private static Condition? Ready(ModelServing m) => m.Status?.Conditions.FirstOrDefault(c => c.Type == ModelServingReasons.ReadyCondition);

    private static Task<ModelServing> WaitAsync(OperatorHarness h, string name, Func<ModelServing, bool> until, string what) =>
        OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync(Ns, name), until, what);
}
