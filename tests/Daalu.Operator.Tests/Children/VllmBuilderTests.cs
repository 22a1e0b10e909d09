using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Children;
using Daalu.Operator.Gpu;
using Daalu.Operator.Planning;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Children;

public sealed class VllmBuilderTests
{
    private static VramPlan PlanFor(ModelServing ms, GpuCard card) => VramPlanner.Plan(new PlanRequest(
        card.GpuClass, card.MemoryMiB, 1, ms.Spec.Purpose, ms.Spec.Model, ms.Spec.Engine.Quantization,
        ms.Spec.Engine.GpuMemoryUtilization, ms.Spec.Engine.TensorParallelSize, ms.Spec.Engine.MaxModelLen));

    private static V1Container Container(V1Deployment d) => Assert.Single(d.Spec.Template.Spec.Containers);

    private static string ArgAfter(IList<string> args, string flag) => args[args.IndexOf(flag) + 1];

    [Fact]
    public void BuildDeployment_DefaultCoder_ArgumentsFromPlan()
    {
        var ms = Fixtures.ModelServing();
        var plan = PlanFor(ms, GpuCard.Rtx2000Ada);

        var args = Container(VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada))).Args;

        Assert.Equal("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", ArgAfter(args, "--model"));
        Assert.Equal("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", ArgAfter(args, "--served-model-name"));
        Assert.Equal(plan.MaxContext.ToString(System.Globalization.CultureInfo.InvariantCulture), ArgAfter(args, "--max-model-len"));
        Assert.Equal("0.9", ArgAfter(args, "--gpu-memory-utilization"));
        Assert.Equal("1", ArgAfter(args, "--tensor-parallel-size"));
        Assert.Equal("8000", ArgAfter(args, "--port"));
        Assert.Contains("--enable-auto-tool-choice", args);
        Assert.Equal("hermes", ArgAfter(args, "--tool-call-parser"));
        Assert.DoesNotContain("--quantization", args); // the AWQ checkpoint declares itself; vLLM picks awq_marlin
    }

    [Fact]
    public void Arguments_ExplicitQuantizationAndExtraArgs_Appended()
    {
        var ms = Fixtures.ModelServing(configure: s =>
        {
            s.Model = "meta-llama/Llama-3.1-8B-Instruct";
            s.Engine.Quantization = "fp8";
            s.Engine.ExtraArgs = ["--max-num-seqs", "8"];
        });

        var args = VllmBuilder.Arguments(ms, PlanFor(ms, GpuCard.Rtx2000Ada));

        Assert.Equal("fp8", ArgAfter(args, "--quantization"));
        Assert.Equal("llama3_json", ArgAfter(args, "--tool-call-parser"));
        Assert.Equal(["--max-num-seqs", "8"], args.TakeLast(2));
    }

    [Fact]
    public void Arguments_UnknownModel_NoToolParser()
    {
        var ms = Fixtures.ModelServing(configure: s => { s.Model = "mistralai/Mistral-7B-Instruct-v0.3"; s.Engine.MaxModelLen = 4096; });

        var args = VllmBuilder.Arguments(ms, PlanFor(ms, GpuCard.Rtx2000Ada));

        Assert.Equal("4096", ArgAfter(args, "--max-model-len"));
        Assert.DoesNotContain("--tool-call-parser", args);
    }

    // vLLM v0.11.0 (the default image) runs a pooling model with --runner pooling; --task embed is v0.10.0's spelling
    // (docs.vllm.ai/en/v0.10.1.1/models/pooling_models.html, "Model Runner").
    [Fact]
    public void Arguments_Embedding_PoolingRunnerAndNoToolParser()
    {
        var ms = Fixtures.ModelServing(configure: s => { s.Model = "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ"; s.Embedding = true; });

        var args = VllmBuilder.Arguments(ms, PlanFor(ms, GpuCard.Rtx2000Ada));

        Assert.Equal("pooling", ArgAfter(args, "--runner"));
        Assert.DoesNotContain("--task", args);
        Assert.DoesNotContain("--enable-auto-tool-choice", args);
        Assert.DoesNotContain("--tool-call-parser", args);
    }

    [Fact]
    public void Arguments_EmbeddingWithTaskInExtraArgs_UsersFlagOnly()
    {
        var ms = Fixtures.ModelServing(configure: s =>
        {
            s.Model = "BAAI/bge-m3";
            s.Engine.MaxModelLen = 8192;
            s.Embedding = true;
            s.Engine.ExtraArgs = ["--task=embed"];
        });

        var args = VllmBuilder.Arguments(ms, PlanFor(ms, GpuCard.Rtx2000Ada));

        Assert.DoesNotContain("--runner", args);
        Assert.Equal("--task=embed", args[^1]);
    }

    [Fact]
    public void Arguments_NotEmbedding_NoRunnerFlag()
    {
        var ms = Fixtures.ModelServing();

        var args = VllmBuilder.Arguments(ms, PlanFor(ms, GpuCard.Rtx2000Ada));

        Assert.DoesNotContain("--runner", args);
    }

    [Fact]
    public void BuildDeployment_TensorParallel_GpuLimitAndShm()
    {
        var ms = Fixtures.ModelServing(configure: s => { s.Model = "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ"; s.Engine.TensorParallelSize = 2; });
        var plan = VramPlanner.Plan(new PlanRequest(GpuClasses.Rtx2000Ada, 16380, 2, ModelPurposes.Coding, ms.Spec.Model, null, 0.9, 2, null));

        var deployment = VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada));
        var container = Container(deployment);

        Assert.Equal("2", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("2", ArgAfter(container.Args, "--tensor-parallel-size"));
        var shm = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == "dshm");
        Assert.Equal("Memory", shm.EmptyDir.Medium);
        Assert.Contains(container.VolumeMounts, m => m.Name == "dshm" && m.MountPath == "/dev/shm");
    }

    [Fact]
    public void BuildDeployment_PinnedAndOwned_ProductionShape()
    {
        var ms = Fixtures.ModelServing();

        var deployment = VllmBuilder.BuildDeployment(ms, PlanFor(ms, GpuCard.Rtx2000Ada), new Placement("node-a", GpuClasses.Rtx2000Ada));
        var pod = deployment.Spec.Template.Spec;
        var container = Container(deployment);

        Assert.Equal("ms-coder", deployment.Metadata.Name);
        Assert.Equal("team-a", deployment.Metadata.NamespaceProperty);
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.True(owner.Controller);
        Assert.Equal(ms.Metadata.Uid, owner.Uid);
        Assert.Equal("ModelServing", owner.Kind);
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-a" }, pod.NodeSelector);
        Assert.Contains(pod.Tolerations, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.True(container.StartupProbe.FailureThreshold * container.StartupProbe.PeriodSeconds >= 30 * 60);
        Assert.Equal("/health", container.StartupProbe.HttpGet.Path);
        Assert.Equal("/health", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", container.ReadinessProbe.Exec.Command.Last());
        Assert.Contains("/v1/models", container.ReadinessProbe.Exec.Command[2], StringComparison.Ordinal);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Contains(container.Env, e => e.Name == "HF_HOME" && e.Value.StartsWith("/cache", StringComparison.Ordinal));
        Assert.Contains(container.VolumeMounts, m => m.Name == "cache" && m.MountPath == "/cache");
        Assert.Equal(deployment.Spec.Selector.MatchLabels, VllmBuilder.SelectorLabels("coder"));
        Assert.All(deployment.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, deployment.Spec.Template.Metadata.Labels[kv.Key]));
    }

    [Fact]
    public void BuildDeployment_ClassPlacement_SelectsClassLabel()
    {
        var ms = Fixtures.ModelServing(configure: s => { s.GpuNode = null; s.GpuClass = GpuClasses.Rtx6000Ada; });

        var deployment = VllmBuilder.BuildDeployment(ms, PlanFor(ms, GpuCard.Rtx6000Ada), new Placement(null, GpuClasses.Rtx6000Ada));

        Assert.Equal(new Dictionary<string, string> { ["ai.daalu.io/gpu-class"] = "rtx-6000-ada" }, deployment.Spec.Template.Spec.NodeSelector);
    }

    [Fact]
    public void BuildDeployment_HuggingFaceToken_FromSecretNeverInlined()
    {
        var ms = Fixtures.ModelServing(configure: s => s.Weights = new WeightsSource
        {
            HuggingFace = new HuggingFaceSource { TokenSecretRef = new SecretKeyReference { Name = "hf", Key = "token" } },
        });

        var deployment = VllmBuilder.BuildDeployment(ms, PlanFor(ms, GpuCard.Rtx2000Ada), new Placement("node-a", GpuClasses.Rtx2000Ada));
        var token = Assert.Single(Container(deployment).Env, e => e.Name == "HF_TOKEN");

        Assert.Null(token.Value);
        Assert.Equal("hf", token.ValueFrom.SecretKeyRef.Name);
        Assert.Equal("token", token.ValueFrom.SecretKeyRef.Key);
    }

    [Fact]
    public void BuildDeployment_PvcWeights_ReadOnlyMountAndLocalPath()
    {
        var ms = Fixtures.ModelServing(configure: s => s.Weights = new WeightsSource { Pvc = new PvcSource { ClaimName = "models", SubPath = "qwen-coder-14b/" } });

        var deployment = VllmBuilder.BuildDeployment(ms, PlanFor(ms, GpuCard.Rtx2000Ada), new Placement("node-a", GpuClasses.Rtx2000Ada));
        var container = Container(deployment);

        Assert.Equal("/models/qwen-coder-14b", ArgAfter(container.Args, "--model"));
        Assert.Equal("Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", ArgAfter(container.Args, "--served-model-name"));
        var volume = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == "weights");
        Assert.Equal("models", volume.PersistentVolumeClaim.ClaimName);
        Assert.True(volume.PersistentVolumeClaim.ReadOnlyProperty);
        Assert.Contains(container.VolumeMounts, m => m.Name == "weights" && m.ReadOnlyProperty == true);
        Assert.Contains(container.Env, e => e.Name == "HF_HUB_OFFLINE" && e.Value == "1");
    }

    [Fact]
    public void Arguments_HubRevision_PassedAsRevisionOnlyForHubDownloads()
    {
        var hub = Fixtures.ModelServing(configure: s => s.Weights = new WeightsSource { HuggingFace = new HuggingFaceSource { Revision = "v1.1" } });
        var unpinned = Fixtures.ModelServing(configure: s => s.Weights = new WeightsSource { HuggingFace = new HuggingFaceSource() });

        Assert.Equal("v1.1", ArgAfter(VllmBuilder.Arguments(hub, PlanFor(hub, GpuCard.Rtx2000Ada)), "--revision"));
        Assert.DoesNotContain("--revision", VllmBuilder.Arguments(unpinned, PlanFor(unpinned, GpuCard.Rtx2000Ada)));
    }

    [Fact]
    public void BuildDeployment_HostPathWeights_ReadOnlyMount()
    {
        var ms = Fixtures.ModelServing(configure: s => s.Weights = new WeightsSource { HostPath = new HostPathSource { Path = "/srv/models/coder" } });

        var deployment = VllmBuilder.BuildDeployment(ms, PlanFor(ms, GpuCard.Rtx2000Ada), new Placement("node-a", GpuClasses.Rtx2000Ada));

        Assert.Equal("/models", ArgAfter(Container(deployment).Args, "--model"));
        var volume = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == "weights");
        Assert.Equal("/srv/models/coder", volume.HostPath.Path);
        Assert.Contains(Container(deployment).VolumeMounts, m => m.Name == "weights" && m.ReadOnlyProperty == true);
    }

    [Fact]
    public void BuildDeployment_SameInput_SameHash_ChangedInput_NewHash()
    {
        var ms = Fixtures.ModelServing();
        var plan = PlanFor(ms, GpuCard.Rtx2000Ada);
        var placement = new Placement("node-a", GpuClasses.Rtx2000Ada);

        var first = SpecHash.Of(VllmBuilder.BuildDeployment(ms, plan, placement));
        var second = SpecHash.Of(VllmBuilder.BuildDeployment(ms, plan, placement));
        ms.Spec.Engine.ExtraArgs = ["--max-num-seqs", "4"];
        var changed = SpecHash.Of(VllmBuilder.BuildDeployment(ms, plan, placement));

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public void BuildService_SelectsPodsAndIsOwned()
    {
        var ms = Fixtures.ModelServing();

        var service = VllmBuilder.BuildService(ms);

        Assert.Equal("ms-coder", service.Metadata.Name);
        Assert.Equal(VllmBuilder.SelectorLabels("coder"), service.Spec.Selector);
        Assert.Equal(8000, Assert.Single(service.Spec.Ports).Port);
        Assert.True(Assert.Single(service.Metadata.OwnerReferences).Controller);
        Assert.Equal("http://ms-coder.team-a.svc:8000", VllmBuilder.ServiceUrl(ms));
    }

    [Fact]
    public void ForModelServing_LongName_StaysDns1035LabelAndUnique()
    {
        var a = ChildNames.ForModelServing(new string('a', 80));
        var b = ChildNames.ForModelServing(new string('a', 79) + "b");

        Assert.True(a.Length <= 63);
        Assert.NotEqual(a, b);
        Assert.Matches("^[a-z]([-a-z0-9]*[a-z0-9])?$", a);
    }

    [Fact]
    public void BuildDeployment_Serialises_WithoutSecretsOrNulls()
    {
        var ms = Fixtures.ModelServing();
        var json = KubernetesJson.Serialize(VllmBuilder.BuildDeployment(ms, PlanFor(ms, GpuCard.Rtx2000Ada), new Placement("node-a", GpuClasses.Rtx2000Ada)));

        Assert.Contains("\"nvidia.com/gpu\":\"1\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("HF_TOKEN", json, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildDeployment_RuntimeClassFromPlacement_OnThePod()
    {
        var ms = Fixtures.ModelServing();
        var plan = PlanFor(ms, GpuCard.Rtx2000Ada);

        var withNvidia = VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada, "nvidia"));
        var withDefault = VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada));

        Assert.Equal("nvidia", withNvidia.Spec.Template.Spec.RuntimeClassName);
        Assert.Null(withDefault.Spec.Template.Spec.RuntimeClassName);
        Assert.DoesNotContain("runtimeClassName", KubernetesJson.Serialize(withDefault), StringComparison.Ordinal);
    }

    [Fact]
    public void BuildDeployment_Requests_FromPlanWeights_Burstable()
    {
        var ms = Fixtures.ModelServing();
        var plan = PlanFor(ms, GpuCard.Rtx2000Ada);

        var resources = Container(VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada))).Resources;

        Assert.Equal(VllmResources.For(ms.Spec, plan.WeightsGiB, cacheOnEmptyDir: false).Requests.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()),
            resources.Requests.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()));
        Assert.Equal(["cpu", "ephemeral-storage", "memory"], resources.Requests.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1", resources.Limits["nvidia.com/gpu"].ToString());
    }

    [Fact]
    public void BuildDeployment_HuggingFaceWeights_CacheOnTheModelServingsClaim()
    {
        var ms = Fixtures.ModelServing();
        var plan = PlanFor(ms, GpuCard.Rtx2000Ada);

        var deployment = VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada));
        var claim = VllmBuilder.BuildCacheClaim(ms, plan);

        var cache = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == "cache");
        Assert.Equal("ms-coder-cache", cache.PersistentVolumeClaim.ClaimName);
        Assert.NotNull(claim);
        Assert.Equal("ms-coder-cache", claim.Metadata.Name);
        Assert.Equal("team-a", claim.Metadata.NamespaceProperty);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Null(claim.Spec.StorageClassName);
        Assert.Equal("50Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal(ms.Metadata.Uid, Assert.Single(claim.Metadata.OwnerReferences).Uid);
        Assert.Contains(Container(deployment).Env, e => e.Name == "HF_HOME" && e.Value == "/cache/huggingface");
    }

    [Fact]
    public void BuildDeployment_PrestagedWeightsOrEmptyDirAsked_NoClaim()
    {
        var prestaged = Fixtures.ModelServing(configure: s => s.Weights = new WeightsSource { HostPath = new HostPathSource { Path = "/srv/m" } });
        var asked = Fixtures.ModelServing(configure: s => s.Cache = new ModelCache { Type = ModelCacheTypes.EmptyDir });
        var claimedAnyway = Fixtures.ModelServing(configure: s =>
        {
            s.Weights = new WeightsSource { HostPath = new HostPathSource { Path = "/srv/m" } };
            s.Cache = new ModelCache { Type = ModelCacheTypes.Pvc, StorageClassName = "fast", Size = "80Gi" };
        });

        foreach (var ms in new[] { prestaged, asked })
        {
            var plan = PlanFor(ms, GpuCard.Rtx2000Ada);
            Assert.Null(VllmBuilder.BuildCacheClaim(ms, plan));
            var cache = Assert.Single(VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada)).Spec.Template.Spec.Volumes, v => v.Name == "cache");
            Assert.NotNull(cache.EmptyDir);
        }

        var claim = VllmBuilder.BuildCacheClaim(claimedAnyway, PlanFor(claimedAnyway, GpuCard.Rtx2000Ada))!;
        Assert.Equal("fast", claim.Spec.StorageClassName);
        Assert.Equal("80Gi", claim.Spec.Resources.Requests["storage"].ToString());
    }

    [Fact]
    public void BuildDeployment_OperatorVersionChanged_PodTemplateUnchanged()
    {
        // An operator upgrade must not restart healthy vLLM pods: the Deployment controller replaces pods only when the
        // pod template changes (its pod-template-hash), so the version may only appear outside the template.
        var ms = Fixtures.ModelServing();
        var plan = PlanFor(ms, GpuCard.Rtx2000Ada);
        var placement = new Placement("node-a", GpuClasses.Rtx2000Ada, "nvidia");

        var old = VllmBuilder.BuildDeployment(ms, plan, placement, operatorVersion: "0.9.0");
        var upgraded = VllmBuilder.BuildDeployment(ms, plan, placement, operatorVersion: "1.0.0");

        Assert.Equal(KubernetesJson.Serialize(old.Spec.Template), KubernetesJson.Serialize(upgraded.Spec.Template));
        Assert.Equal(KubernetesJson.Serialize(old.Spec), KubernetesJson.Serialize(upgraded.Spec));
        Assert.Equal("1.0.0", upgraded.Metadata.Annotations[VllmBuilder.OperatorVersionAnnotation]);
        Assert.NotEqual(SpecHash.Of(old), SpecHash.Of(upgraded)); // the annotation is rewritten, nothing else
    }
}
