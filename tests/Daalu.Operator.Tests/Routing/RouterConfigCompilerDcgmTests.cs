using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Operator.Routing;
using static Daalu.Operator.Tests.Routing.RoutingFixtures;

namespace Daalu.Operator.Tests.Routing;

// GpuNode.spec.dcgmExporter.url (an existing NVIDIA dcgm-exporter) reaches the router as dcgmExporterUrl of the backends on that node.
public sealed class RouterConfigCompilerDcgmTests
{
    private const string ExporterUrl = "http://10.0.0.5:9400/metrics";

    [Fact]
    public void Compile_GpuNodeWithDcgmExporter_EveryServingOnThatNodeGetsItOthersNone()
    {
        var withExporter = GpuNode("team-a-rtx2000", "team-a");
        withExporter.Spec.DcgmExporter = new DcgmExporterSpec { Url = ExporterUrl };
        var compiled = RouterConfigCompiler.Compile(Input(
            servings:
            [
                OnGpuNode("team-a-general", "team-a-rtx2000", models: "m-general"),
                OnGpuNode("team-a-coder", "team-a-rtx2000", ModelPurposes.Coding, models: "m-coder"),
                OnGpuNode("lab-b-general", "lab-b-rtx6000", models: "m-general"),
                Endpoint("pool", "http://10.0.0.9:8000/", models: "m-general"),
            ],
            gpuNodes: [withExporter, GpuNode("lab-b-rtx6000", "lab-b")],
            quotas: [Quota("team-a"), Quota("lab-b", ageMinutes: 1)],
            secrets: Secrets("team-a", "lab-b")));

        Assert.Empty(compiled.Errors);
        var byName = compiled.Configuration.Backends.ToDictionary(b => b.Name, b => b.DcgmExporterUrl);
        Assert.Equal(ExporterUrl, byName["daalu-system/team-a-general"]);
        Assert.Equal(ExporterUrl, byName["daalu-system/team-a-coder"]);
        Assert.Null(byName["daalu-system/lab-b-general"]);
        Assert.Null(byName["daalu-system/pool"]);
    }

    [Fact]
    public void Compile_DeployedExporter_BackendsUseTheNodesResolvedUrlAndAnExplicitUrlWins()
    {
        var deployed = GpuNode("team-a-rtx2000", "team-a");
        deployed.Spec.DcgmExporter = new DcgmExporterSpec { Deploy = true };
        deployed.Status!.DcgmExporterUrl = "http://10.0.0.5:9400/metrics";
        var both = GpuNode("lab-b-rtx6000", "lab-b");
        both.Spec.DcgmExporter = new DcgmExporterSpec { Deploy = true, Url = ExporterUrl.Replace("10.0.0.5", "10.0.0.7", StringComparison.Ordinal) };
        both.Status!.DcgmExporterUrl = "http://10.0.0.6:9400/metrics";
        var compiled = RouterConfigCompiler.Compile(Input(
            servings: [OnGpuNode("team-a-general", "team-a-rtx2000", models: "m-general"), OnGpuNode("lab-b-general", "lab-b-rtx6000", models: "m-general")],
            gpuNodes: [deployed, both],
            quotas: [Quota("team-a"), Quota("lab-b", ageMinutes: 1)],
            secrets: Secrets("team-a", "lab-b")));

        Assert.Empty(compiled.Errors);
        var byName = compiled.Configuration.Backends.ToDictionary(b => b.Name, b => b.DcgmExporterUrl);
        Assert.Equal("http://10.0.0.5:9400/metrics", byName["daalu-system/team-a-general"]);
        Assert.Equal("http://10.0.0.7:9400/metrics", byName["daalu-system/lab-b-general"]);
    }

    [Fact]
    public void Compile_DeployedExporterWithoutResolvedUrlYet_NoHardwareView()
    {
        var deployed = GpuNode("team-a-rtx2000", "team-a");
        deployed.Spec.DcgmExporter = new DcgmExporterSpec { Deploy = true };
        var compiled = RouterConfigCompiler.Compile(Input(
            servings: [OnGpuNode("team-a-general", "team-a-rtx2000", models: "m-general")],
            gpuNodes: [deployed],
            quotas: [Quota("team-a")],
            secrets: Secrets("team-a")));

        Assert.Empty(compiled.Errors);
        Assert.Null(Assert.Single(compiled.Configuration.Backends).DcgmExporterUrl);
    }
}
