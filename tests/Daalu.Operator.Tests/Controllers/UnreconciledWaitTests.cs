using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;
using Daalu.Operator.Tests.Support;

namespace Daalu.Operator.Tests.Controllers;

public sealed class UnreconciledWaitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private static GpuNode Created(TimeSpan ago, string? phase = null)
    {
        var g = Fixtures.GpuNode();
        g.Metadata.CreationTimestamp = (Now - ago).UtcDateTime;
        if (phase is not null)
        {
            g.Status = new GpuNodeStatus { Phase = phase };
        }

        return g;
    }

    [Fact]
    public void UnreconciledWait_YoungWithoutPhase_WaitsForTheRestOfTheGrace() =>
        Assert.Equal(TimeSpan.FromSeconds(20), ModelServingReconciler.UnreconciledWait(Created(TimeSpan.FromSeconds(10)), Now, Grace));

    [Fact]
    public void UnreconciledWait_CreatedAheadOfOurClock_WaitsNoLongerThanTheGrace() =>
        Assert.Equal(Grace, ModelServingReconciler.UnreconciledWait(Created(TimeSpan.FromSeconds(-90)), Now, Grace));

    [Fact]
    public void UnreconciledWait_OlderThanTheGrace_DoesNotWait() =>
        Assert.Null(ModelServingReconciler.UnreconciledWait(Created(TimeSpan.FromSeconds(30)), Now, Grace));

    [Theory]
    [InlineData(GpuNodePhases.Pending)]
    [InlineData(GpuNodePhases.Ready)]
    [InlineData(GpuNodePhases.NodeNotFound)]
    public void UnreconciledWait_PhaseWritten_DoesNotWait(string phase) =>
        Assert.Null(ModelServingReconciler.UnreconciledWait(Created(TimeSpan.FromSeconds(1), phase), Now, Grace));

    [Fact]
    public void UnreconciledWait_EmptyStatusWithoutPhase_Waits() =>
        Assert.NotNull(ModelServingReconciler.UnreconciledWait(Created(TimeSpan.FromSeconds(1), phase: string.Empty), Now, Grace));

    [Fact]
    public void UnreconciledWait_BeingDeleted_DoesNotWait()
    {
        var g = Created(TimeSpan.FromSeconds(1));
        g.Metadata.DeletionTimestamp = Now.UtcDateTime;

        Assert.Null(ModelServingReconciler.UnreconciledWait(g, Now, Grace));
    }

    [Fact]
    public void UnreconciledWait_NoCreationTimestamp_DoesNotWait() =>
        Assert.Null(ModelServingReconciler.UnreconciledWait(Fixtures.GpuNode(), Now, Grace));
}
