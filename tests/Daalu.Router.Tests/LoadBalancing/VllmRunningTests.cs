using Daalu.Router.LoadBalancing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

public sealed class VllmRunningTests
{
    [Fact]
    public void Read_TwoEngines_Summed()
    {
        // vLLM's exposition: one gauge per model/engine, labels, no timestamp (vLLM "Production Metrics").
        const string text = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="a"} 3.0
            vllm:num_requests_running{engine="0",model_name="b"} 4.0
            vllm:num_requests_running_total 99
            """;
        Assert.Equal(7, VllmRunning.Read(text));
    }

    [Fact]
    public void Read_Absent_Null() => Assert.Null(VllmRunning.Read("vllm:num_requests_waiting 1\n"));
}
