using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.KubeApiServer;
using Daalu.Operator.Tests.Support;
using Daalu.TestDoubles.OpenAICompatible;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Controllers;

// The ModelServing controller with the real runtime against the Kubernetes API test server; served-model detection
// against the vLLM test double (tests/Daalu.TestDoubles), reached through the in-cluster Service URL.
public sealed class ModelServingControllerTests
{
    private const string Coder14B = "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ";

    private static Task<ModelServing> WaitAsync(OperatorHarness h, string name, Func<ModelServing, bool> until, string what) =>
        OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync("team-a", name), until, what);

    private static string ArgAfter(V1Deployment d, string flag)
    {
        var args = d.Spec.Template.Spec.Containers[0].Args;
        return args[args.IndexOf(flag) + 1];
    }

    [Fact]
    public async Task Create_DefaultCoder_DeploymentServiceThenReadyWithServedModels()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await using var vllm = await VllmDouble.StartNewAsync("vllm", Coder14B);
        h.Routes.Route("ms-coder.team-a.svc:8000", vllm.BaseUrl);

        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));

        var deploying = await WaitAsync(h, "coder", m => m.Status?.Phase == ModelServingPhases.Deploying, "Deploying");
        Assert.Equal(Coder14B, deploying.Status!.ResolvedModel);
        Assert.Equal(GpuClasses.Rtx2000Ada, deploying.Status.GpuClass);
        Assert.Equal("node-a", deploying.Status.NodeName);
        Assert.True(deploying.Status.Fit!.Fits);
        Assert.InRange(deploying.Status.Fit.MaxContext, 16384, 32768);
        Assert.Equal("http://ms-coder.team-a.svc:8000", deploying.Status.Endpoint);
        Assert.Equal(ConditionStatus.False, deploying.Status.Conditions.Single(c => c.Type == "ModelDoesNotFit").Status);

        var deployment = await h.TryGetDeploymentAsync("team-a", "ms-coder");
        Assert.NotNull(deployment);
        Assert.Equal(Coder14B, ArgAfter(deployment, "--model"));
        Assert.Equal(deploying.Status.Fit.MaxContext.ToString(System.Globalization.CultureInfo.InvariantCulture), ArgAfter(deployment, "--max-model-len"));
        Assert.Equal("node-a", deployment.Spec.Template.Spec.NodeSelector["kubernetes.io/hostname"]);
        Assert.Equal(deploying.Metadata.Uid, deployment.Metadata.OwnerReferences.Single().Uid);
        var service = await h.Client.CoreV1.ReadNamespacedServiceAsync("ms-coder", "team-a");
        Assert.Equal(deploying.Metadata.Uid, service.Metadata.OwnerReferences.Single().Uid);

        await h.MarkDeploymentReadyAsync("team-a", "ms-coder");

        var ready = await WaitAsync(h, "coder", m => m.Status?.Phase == ModelServingPhases.Ready, "Ready");
        var served = Assert.Single(ready.Status!.ServedModels);
        Assert.Equal(Coder14B, served.Id);
        Assert.Equal(Coder14B, served.Root);
        Assert.Equal(32768, served.MaxModelLen);
        Assert.Equal(ConditionStatus.True, ready.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task Create_ModelTooBig_ModelDoesNotFitWithNumbersAndNoDeployment()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();

        await h.CreateModelServingAsync(Fixtures.ModelServing("big", configure: s => s.Model = "Qwen/Qwen2.5-32B-Instruct"));

        var failed = await WaitAsync(h, "big", m => m.Status?.Phase == ModelServingPhases.Failed, "Failed");
        var condition = failed.Status!.Conditions.Single(c => c.Type == "ModelDoesNotFit");
        Assert.Equal(ConditionStatus.True, condition.Status);
        Assert.Contains("GiB", condition.Message, StringComparison.Ordinal);
        Assert.False(failed.Status.Fit!.Fits);
        Assert.True(failed.Status.Fit.WeightsGiB > failed.Status.Fit.AvailableGiB);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-big"));
    }

    [Fact]
    public async Task SpecChange_ArgsUpdated_ThenModelThatDoesNotFit_DeploymentRemoved()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));
        await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "Deployment");

        await h.PatchModelServingAsync("team-a", "coder", """{"spec":{"engine":{"maxModelLen":8192,"extraArgs":["--max-num-seqs","4"]}}}""");

        var updated = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"),
            d => ArgAfter(d, "--max-model-len") == "8192", "Deployment args updated");
        Assert.Equal("4", ArgAfter(updated, "--max-num-seqs"));
        await WaitAsync(h, "coder", m => m.Status?.Fit?.MaxContext == 8192 && m.Status.ObservedGeneration == 2, "status follows");

        await h.PatchModelServingAsync("team-a", "coder", """{"spec":{"model":"Qwen/Qwen2.5-Coder-14B-Instruct","engine":{"maxModelLen":null}}}""");

        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDeploymentAsync("team-a", "ms-coder") is null, "Deployment removed");
        await WaitAsync(h, "coder", m => m.Status?.Conditions.Any(c => c.Type == "ModelDoesNotFit" && c.Status == ConditionStatus.True) == true, "ModelDoesNotFit");
    }

    [Fact]
    public async Task Delete_ModelServing_ChildrenGarbageCollected()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));
        await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "Deployment");

        await h.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(OperatorHarness.Group, OperatorHarness.Version, "team-a", "modelservings", "coder");

        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDeploymentAsync("team-a", "ms-coder") is null, "Deployment collected");
        Assert.Null(h.Server.Peek("services", "team-a", "ms-coder"));
    }

    [Fact]
    public async Task EndpointMode_NoDeployment_DetectsThenDegradesWhenDown()
    {
        await using var h = await OperatorHarness.StartAsync();
        var vllm = await VllmDouble.StartNewAsync("remote", "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", "my-lora");

        await h.CreateModelServingAsync(Fixtures.ModelServing("remote", configure: s =>
        {
            s.GpuNode = null;
            s.Model = "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ";
            s.Endpoint = new ModelEndpoint { Url = vllm.BaseUrl, GpuClass = GpuClasses.Rtx6000Ada };
        }));

        var ready = await WaitAsync(h, "remote", m => m.Status?.Phase == ModelServingPhases.Ready, "endpoint Ready");
        Assert.Equal(["Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", "my-lora"], ready.Status!.ServedModels.Select(m => m.Id));
        Assert.Equal(vllm.BaseUrl, ready.Status.Endpoint);
        Assert.True(ready.Status.Fit!.Fits);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-remote"));

        await vllm.DisposeAsync();

        var degraded = await WaitAsync(h, "remote", m => m.Status?.Phase == ModelServingPhases.Degraded, "Degraded after the server went away");
        Assert.Equal("EndpointUnreachable", degraded.Status!.Conditions.Single(c => c.Type == "Ready").Reason);
    }

    [Fact]
    public async Task HuggingFaceTokenSecretMissing_ConditionThenDeploysWithoutLeakingToken()
    {
        const string Token = "hf_TOPSECRETvalue123";
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();

        await h.CreateModelServingAsync(Fixtures.ModelServing("gated", configure: s => s.Weights = new WeightsSource
        {
            HuggingFace = new HuggingFaceSource { TokenSecretRef = new SecretKeyReference { Name = "hf", Key = "token" } },
        }));

        var failed = await WaitAsync(h, "gated", m => m.Status?.Phase == ModelServingPhases.Failed, "TokenSecretMissing");
        var ready = failed.Status!.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal("TokenSecretMissing", ready.Reason);
        Assert.Contains("team-a/hf", ready.Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-gated"));

        await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "hf", NamespaceProperty = "team-a" },
            StringData = new Dictionary<string, string> { ["token"] = Token },
        }, "team-a");

        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-gated"), d => true, "Deployment after the Secret appeared");
        var env = deployment.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "HF_TOKEN");
        Assert.Equal("hf", env.ValueFrom.SecretKeyRef.Name);
        Assert.DoesNotContain(Token, KubernetesJson.Serialize(deployment), StringComparison.Ordinal);
        var status = await WaitAsync(h, "gated", m => m.Status?.Phase == ModelServingPhases.Deploying, "Deploying");
        Assert.DoesNotContain(Token, KubernetesJson.Serialize(status), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuClassPlacement_WaitsForReadyNodeOfClass()
    {
        await using var h = await OperatorHarness.StartAsync();

        await h.CreateModelServingAsync(Fixtures.ModelServing("general", configure: s =>
        {
            s.GpuNode = null;
            s.GpuClass = GpuClasses.Rtx6000Ada;
            s.Purpose = ModelPurposes.General;
        }));
        var pending = await WaitAsync(h, "general", m => m.Status?.Phase == ModelServingPhases.Pending, "Pending without a node");
        Assert.Equal("NoReadyGpuNodeOfClass", pending.Status!.Conditions.Single(c => c.Type == "Ready").Reason);

        await h.CreateNodeAsync(Fixtures.Node("node-big", product: "NVIDIA-RTX-6000-Ada-Generation", memory: "49140"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-big", "node-big", tenant: "")); // operator-run: the hosted pool's
        await OperatorHarness.EventuallyAsync(async () => await h.TryGetDaemonSetAsync() is not null, "DaemonSet");
        await h.StartDevicePluginPodAsync("node-big");

        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-general"), d => true, "Deployment on the class");
        // Pinned to the chosen GpuNode's node, not to any node of the class: who owns a card decides who may use it.
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-big" }, deployment.Spec.Template.Spec.NodeSelector);
        await WaitAsync(h, "general", m => m.Status?.NodeName == "node-big", "status.nodeName names the chosen node");
        Assert.Equal("Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", ArgAfter(deployment, "--model"));
    }

    [Fact]
    public async Task OperatorStarts_GpuNodeAndModelServingsAlreadyThere_EachStatusWrittenOnceStraightToDeploying()
    {
        // As when both are applied together or the operator (re)starts on a fresh cluster: the ModelServings must not
        // be written Pending "GpuNode is not reconciled yet" a moment before the GpuNode is reconciled.
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        await h.CreateNodeAsync(Fixtures.Node("node-a"));
        await h.CreateGpuNodeAsync(Fixtures.GpuNode("gpu-1", "node-a", configure: s => s.DevicePlugin = new DevicePluginSpec { Enabled = false }));
        var names = Enumerable.Range(0, 20).Select(i => $"coder-{i}").ToList();
        foreach (var name in names)
        {
            await h.CreateModelServingAsync(Fixtures.ModelServing(name));
        }

        h.Server.ClearRequests();
        await h.StartOperatorAsync();

        foreach (var name in names)
        {
            await WaitAsync(h, name, m => m.Status?.Phase == ModelServingPhases.Deploying, $"{name} Deploying");
        }

        await Task.Delay(500);
        var statusWrites = h.Server.Requests.Count(r => r.IsWrite && r.User == "operator" && r.Resource == "modelservings" && r.Subresource == "status");
        Assert.True(statusWrites == names.Count, h.DescribeWrites());
        var events = await h.Client.CoreV1.ListNamespacedEventAsync("team-a");
        Assert.DoesNotContain(events.Items, e => e.Reason == "GpuNodeNotReady");
        Assert.Equal(names.Count, events.Items.Count(e => e.Reason == "Deploying"));
    }

    [Fact]
    public async Task ReconcileAgain_NoChange_WritesNothing()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        await using var vllm = await VllmDouble.StartNewAsync("vllm", Coder14B);
        h.Routes.Route("ms-coder.team-a.svc:8000", vllm.BaseUrl);
        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));
        await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-coder"), d => true, "Deployment");
        await h.MarkDeploymentReadyAsync("team-a", "ms-coder");
        var converged = await WaitAsync(h, "coder", m => m.Status?.Phase == ModelServingPhases.Ready, "Ready");
        await Task.Delay(300);
        h.Server.ClearRequests();
        var before = h.Reconciles("ModelServing");
        var polls = vllm.Requests.Count(r => r.Path == "/v1/models");

        await Task.Delay(1500);

        Assert.True(h.Reconciles("ModelServing") - before >= 3, "resync and detection requeues should have reconciled several times");
        Assert.True(vllm.Requests.Count(r => r.Path == "/v1/models") > polls, "detection keeps polling");
        Assert.True(h.OperatorWrites() == 0, h.DescribeWrites());
        Assert.Equal(converged.Metadata.ResourceVersion, (await h.GetModelServingAsync("team-a", "coder"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task StatusConflict_Requeued_Converges()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        h.Server.InjectFailure(new FailureRule { Verb = "patch", Resource = "modelservings", Subresource = "status", StatusCode = 409, Times = 2 });

        await h.CreateModelServingAsync(Fixtures.ModelServing("coder"));

        await WaitAsync(h, "coder", m => m.Status?.Phase == ModelServingPhases.Deploying, "Deploying after conflicts");
        Assert.Equal(2, h.Server.Requests.Count(r => r.Resource == "modelservings" && r.Subresource == "status" && r.StatusCode == 409));
    }
}
