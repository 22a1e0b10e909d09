using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Operator.Planning;
using Daalu.Operator.Tests.Support;
using Daalu.TestDoubles.HuggingFace;
using k8s.Models;

namespace Daalu.Operator.Tests.Planning;

/// <summary>
/// The operator end to end (API test server, real HTTP) planning models outside the catalog from the Hub double, and
/// showing the plan's numbers in status.fit.
/// </summary>
public sealed class ModelServingPlanStatusTests
{
    [Fact]
    public async Task Create_ModelOutsideCatalog_PlannedFromHubConfigWithNumbersInStatus()
    {
        await using var hub = await HuggingFaceHubDouble.StartNewAsync(HubModels.All);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        h.Routes.Route("huggingface.co", hub.Endpoint.AbsoluteUri);

        await h.CreateModelServingAsync(Fixtures.ModelServing("small", configure: s => { s.Model = "Qwen/Qwen2.5-0.5B-Instruct"; s.Purpose = ModelPurposes.General; }));

        var deploying = await WaitAsync(h, "small", m => m.Status?.Fit is not null, "plan in status");
        var fit = deploying.Status!.Fit!;
        Assert.True(fit.Fits);
        Assert.Equal("huggingface:Qwen/Qwen2.5-0.5B-Instruct@main", fit.Source);
        Assert.Equal(32_768, fit.MaxContext);
        Assert.Equal(Math.Round(fit.AvailableGiB - fit.WeightsGiB - fit.OverheadGiB, 2), fit.KvBudgetGiB, 1);
        Assert.True(fit.KvCacheTokens >= fit.MaxContext);
        Assert.True(fit.Concurrency >= 1);
        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-small"), d => true, "Deployment");
        var args = deployment!.Spec.Template.Spec.Containers[0].Args;
        Assert.Equal("32768", args[args.IndexOf("--max-model-len") + 1]);
        Assert.Equal(fit.MaxNumSeqs.ToString(System.Globalization.CultureInfo.InvariantCulture), args[args.IndexOf("--max-num-seqs") + 1]);
        Assert.Contains(hub.Requests, r => r.Path == "/Qwen/Qwen2.5-0.5B-Instruct/resolve/main/config.json");
    }

    [Fact]
    public async Task Create_ModelMissingOnHub_ConditionSaysNotFoundAndNoDeployment()
    {
        await using var hub = await HuggingFaceHubDouble.StartNewAsync(HubModels.All);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        h.Routes.Route("huggingface.co", hub.Endpoint.AbsoluteUri);

        await h.CreateModelServingAsync(Fixtures.ModelServing("typo", configure: s => { s.Model = "Qwen/Qwen2.5-7B-Instruckt"; s.Engine.MaxModelLen = 4096; }));

        var failed = await WaitAsync(h, "typo", m => m.Status?.Phase == ModelServingPhases.Failed, "Failed");
        var condition = failed.Status!.Conditions.Single(c => c.Type == "ModelDoesNotFit");
        Assert.Equal(PlanReasons.ModelConfigNotFound, condition.Reason);
        Assert.Contains("404", condition.Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-typo"));
    }

    [Fact]
    public async Task Create_HubRevision_ConfigReadAtThatRevisionAndVllmGetsRevision()
    {
        const string commit = "7ae557604adf67be50417f59c2c2f167def9a775";
        await using var hub = await HuggingFaceHubDouble.StartNewAsync([HubModels.Qwen25With05BInstruct with { Revisions = [commit] }]);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        h.Routes.Route("huggingface.co", hub.Endpoint.AbsoluteUri);

        await h.CreateModelServingAsync(Fixtures.ModelServing("pinned", configure: s =>
        {
            s.Model = "Qwen/Qwen2.5-0.5B-Instruct";
            s.Weights = new WeightsSource { HuggingFace = new HuggingFaceSource { Revision = commit } };
        }));

        var deploying = await WaitAsync(h, "pinned", m => m.Status?.Fit is not null, "plan in status");
        Assert.Equal($"huggingface:Qwen/Qwen2.5-0.5B-Instruct@{commit}", deploying.Status!.Fit!.Source);
        Assert.Contains(hub.Requests, r => r.Path == $"/Qwen/Qwen2.5-0.5B-Instruct/resolve/{commit}/config.json");
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("/resolve/main/", StringComparison.Ordinal));
        var deployment = await OperatorHarness.EventuallyAsync(() => h.TryGetDeploymentAsync("team-a", "ms-pinned"), d => true, "Deployment");
        var args = deployment!.Spec.Template.Spec.Containers[0].Args;
        Assert.Equal(commit, args[args.IndexOf("--revision") + 1]);
    }

    [Fact]
    public async Task Create_HubRevisionThatDoesNotExist_NotFoundNamingTheRevisionAndNoDeployment()
    {
        await using var hub = await HuggingFaceHubDouble.StartNewAsync(HubModels.All);
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();
        h.Routes.Route("huggingface.co", hub.Endpoint.AbsoluteUri);

        await h.CreateModelServingAsync(Fixtures.ModelServing("gone", configure: s =>
        {
            s.Model = "Qwen/Qwen2.5-0.5B-Instruct";
            s.Weights = new WeightsSource { HuggingFace = new HuggingFaceSource { Revision = "v9" } };
        }));

        var failed = await WaitAsync(h, "gone", m => m.Status?.Phase == ModelServingPhases.Failed, "Failed");
        var condition = failed.Status!.Conditions.Single(c => c.Type == "ModelDoesNotFit");
        Assert.Equal(PlanReasons.ModelConfigNotFound, condition.Reason);
        Assert.EndsWith("has no config.json for Qwen/Qwen2.5-0.5B-Instruct at revision v9 (404): check spec.model and spec.weights.huggingFace.revision.", condition.Message, StringComparison.Ordinal);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-gone"));
    }

    [Fact]
    public async Task Create_CatalogModelUtilisationTooHigh_RefusedWithTheCap()
    {
        await using var h = await OperatorHarness.StartWithReadyGpuNodeAsync();

        // 0.95 passes the CRD's maximum but leaves a 16 GB card no room for the CUDA context and graphs.
        await h.CreateModelServingAsync(Fixtures.ModelServing("greedy", configure: s => s.Engine.GpuMemoryUtilization = 0.95));

        var failed = await WaitAsync(h, "greedy", m => m.Status?.Phase == ModelServingPhases.Failed, "Failed");
        Assert.Equal(PlanReasons.UtilizationTooHigh, failed.Status!.Conditions.Single(c => c.Type == "ModelDoesNotFit").Reason);
        Assert.Equal(0.92, failed.Status.Fit!.MaxGpuMemoryUtilization);
        Assert.Null(await h.TryGetDeploymentAsync("team-a", "ms-greedy"));
    }

    private static Task<ModelServing> WaitAsync(OperatorHarness h, string name, Func<ModelServing, bool> until, string what) =>
        OperatorHarness.EventuallyAsync(() => h.GetModelServingAsync("team-a", name), until, what);
}
