using Daalu.Runtime.Controllers;

namespace Daalu.Runtime.Tests.Controllers;

public class QueueActionTests
{
    [Fact]
    public void For_Success_ForgetsWithoutRequeue()
    {
        Assert.Equal(new QueueAction(true, null, false, "success"), QueueAction.For(ReconcileResult.Success(), null));
    }

    [Fact]
    public void For_SuccessWithRequeueAfter_ForgetsAndAddsAfter()
    {
        Assert.Equal(new QueueAction(true, TimeSpan.FromSeconds(30), false, "requeue_after"), QueueAction.For(ReconcileResult.Success(TimeSpan.FromSeconds(30)), null));
    }

    [Fact]
    public void For_Failure_RateLimitedRequeue()
    {
        Assert.Equal(new QueueAction(false, null, true, "failure"), QueueAction.For(ReconcileResult.Failure("boom"), null));
    }

    [Fact]
    public void For_FailureWithDelay_WaitsThatDelayAndKeepsBackoff()
    {
        Assert.Equal(new QueueAction(false, TimeSpan.FromSeconds(5), false, "failure"), QueueAction.For(ReconcileResult.Failure("boom", TimeSpan.FromSeconds(5)), null));
    }

    [Fact]
    public void For_TerminalFailure_DroppedAndForgotten()
    {
        Assert.Equal(new QueueAction(true, null, false, "terminal"), QueueAction.For(ReconcileResult.TerminalFailure("bad spec"), null));
    }

    [Fact]
    public void For_Exception_RateLimitedRequeue()
    {
        Assert.Equal(new QueueAction(false, null, true, "error"), QueueAction.For(null, new InvalidOperationException()));
    }
}
