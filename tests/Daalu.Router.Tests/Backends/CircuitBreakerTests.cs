using Daalu.Router.Backends;
using Daalu.Router.Planning;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.Backends;

public sealed class CircuitBreakerTests
{
    [Fact]
    public void Breaker_FailuresThenTime_OpensHalfOpensWithOneProbeAndCloses()
    {
        var time = new FakeTimeProvider();
        var b = new CircuitBreaker(time);
        b.RecordFailure(3, TimeSpan.FromSeconds(10));
        b.RecordFailure(3, TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.Closed, b.State);
        b.RecordFailure(3, TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.Open, b.State);
        Assert.False(b.TryAcquire());

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.HalfOpen, b.State);
        Assert.True(b.TryAcquire());
        Assert.False(b.TryAcquire());
        b.RecordFailure(3, TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.Open, b.State);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(b.TryAcquire());
        b.RecordSuccess();
        Assert.Equal(CircuitState.Closed, b.State);
        Assert.True(b.TryAcquire());
    }

    [Fact]
    public void ReadSaturation_NewAndLegacyNames_Read()
    {
        var (kv, w) = PrometheusText.ReadSaturation("""
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.42
            vllm:num_requests_waiting{engine="0",model_name="m"} 3.0
            vllm:num_requests_waiting{engine="1",model_name="m"} 2.0
            """);
        Assert.Equal(0.42, kv);
        Assert.Equal(5, w);
        var (legacy, none) = PrometheusText.ReadSaturation("vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.9 1732000000\n");
        Assert.Equal(0.9, legacy);
        Assert.Null(none);
    }
}
