using Daalu.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Daalu.Runtime.Tests.Hosting;

public class OperatorTracingTests
{
    [Fact]
    public void AddDaaluOperator_NoOtlpEndpoint_RegistersNoTracer()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddDaaluOperator(null, _ => null).Services.BuildServiceProvider();

        Assert.Null(provider.GetService<TracerProvider>());
    }

    [Fact]
    public void AddDaaluOperator_OtlpEndpoint_RegistersATracerForTheReconciles()
    {
        var environment = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318" };
        using var provider = new ServiceCollection().AddLogging()
            .AddDaaluOperator(null, name => environment.GetValueOrDefault(name)).Services.BuildServiceProvider();

        Assert.NotNull(provider.GetService<TracerProvider>());
    }
}
