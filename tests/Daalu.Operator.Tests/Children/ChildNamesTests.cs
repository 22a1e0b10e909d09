using System.Text.RegularExpressions;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Gpu;
using Daalu.Operator.Planning;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Children;

/// <summary>
/// Child names and label values for every valid ModelServing name (a DNS-1123 subdomain of up to 253 characters),
/// checked against the limits of k8s.io/apimachinery/pkg/util/validation (DNS-1035 label for a Service name, 63-character
/// label values) and by creating the children in the API test server, which refuses what the real server refuses.
/// </summary>
public sealed partial class ChildNamesTests
{
    // 63, 64, 73 and 253 characters: the label-value limit, one over, the 73-character case of issue 15, the longest name.
    public static TheoryData<string> LongNames() => new(
        new string('a', 63),
        new string('a', 64),
        "llama-3-1-8b-instruct-awq-for-the-support-team.europe-west.prod-a1",
        "qwen2-5-coder-14b-instruct-awq-team-platform-engineering-2026-12-07",
        new string('m', 73),
        string.Join('.', Enumerable.Repeat(new string('x', 63), 4))[..253].TrimEnd('.'),
        new string('z', 253));

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [Theory]
    [MemberData(nameof(LongNames))]
    public void ForModelServingAndLabelValue_AnyValidName_StayWithinKubernetesLimits(string name)
    {
        var child = ChildNames.ForModelServing(name);
        var label = ChildNames.LabelValue(name);

        Assert.InRange(child.Length, 1, 63);
        Assert.Matches(Dns1035Label(), child);
        Assert.InRange(label.Length, 1, 63);
        Assert.Matches(LabelValue(), label);
        Assert.Equal(child, ChildNames.ForModelServing(name));
        Assert.Equal(label, ChildNames.LabelValue(name));
    }

    [Theory]
    [InlineData("coder")]
    [InlineData("qwen2.5-coder")]
    [InlineData("a")]
    public void LabelValue_ValidShortName_IsTheNameItself(string name)
    {
        // Unchanged for every name that already fits, so an upgrade does not change the (immutable) selector of an
        // existing Deployment.
        Assert.Equal(name, ChildNames.LabelValue(name));
    }

    [Fact]
    public void LabelValue_63Characters_UnchangedAnd64Characters_CutWithHashSuffix()
    {
        var exact = new string('a', 63);
        var over = new string('a', 64);

        Assert.Equal(exact, ChildNames.LabelValue(exact));
        var cut = ChildNames.LabelValue(over);
        Assert.Equal(63, cut.Length);
        Assert.StartsWith(new string('a', 54) + "-", cut, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{8}$", cut[55..]);
    }

    [Fact]
    public void LabelValueAndChildName_LongNamesSharingAPrefix_Differ()
    {
        var a = new string('a', 100) + "-one";
        var b = new string('a', 100) + "-two";

        Assert.NotEqual(ChildNames.LabelValue(a), ChildNames.LabelValue(b));
        Assert.NotEqual(ChildNames.ForModelServing(a), ChildNames.ForModelServing(b));
    }

    [Fact]
    public void LabelValue_CutPointOnASeparator_DoesNotEndTheHeadWithIt()
    {
        // The 54th character is a '.': separators at the cut are dropped so the head ends in an alphanumeric.
        var name = new string('b', 53) + "." + new string('c', 40);

        var label = ChildNames.LabelValue(name);

        Assert.Equal(new string('b', 53) + "-", label[..54]);
        Assert.Matches(LabelValue(), label);
    }

    [Theory]
    [MemberData(nameof(LongNames))]
    public async Task BuildDeploymentAndService_AnyValidName_AcceptedByTheApiServer(string name)
    {
        await using var server = new KubeApiServer.KubeApiServer();
        using var client = server.CreateClient("test");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        var ms = Fixtures.ModelServing(name);
        var plan = VramPlanner.Plan(new PlanRequest(
            GpuCard.Rtx2000Ada.GpuClass, GpuCard.Rtx2000Ada.MemoryMiB, 1, ms.Spec.Purpose, ms.Spec.Model, ms.Spec.Engine.Quantization,
            ms.Spec.Engine.GpuMemoryUtilization, ms.Spec.Engine.TensorParallelSize, ms.Spec.Engine.MaxModelLen));

        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(VllmBuilder.BuildDeployment(ms, plan, new Placement("node-a", GpuClasses.Rtx2000Ada)), "team-a");
        var service = await client.CoreV1.CreateNamespacedServiceAsync(VllmBuilder.BuildService(ms), "team-a");

        Assert.Equal(ChildNames.ForModelServing(name), deployment.Metadata.Name);
        Assert.Equal(deployment.Metadata.Name, service.Metadata.Name);
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, deployment.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.Equal(ChildNames.LabelValue(name), deployment.Spec.Selector.MatchLabels[WellKnown.ModelServingLabel]);
        Assert.Equal(name, deployment.Metadata.OwnerReferences.Single().Name);
    }
}
