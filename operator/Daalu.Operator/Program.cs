using Daalu.Operator.Controllers;
using Daalu.Operator.Hosting;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;

OperatorFlags flags;
RoutingSettings routing;
try
{
    flags = OperatorFlags.Parse(args);
    routing = RoutingEnvironment.Read(flags.Namespace, Environment.GetEnvironmentVariable);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

var builder = OperatorWebHost.CreateBuilder();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenAnyIP(flags.MetricsPort);
    if (flags.ProbePort != flags.MetricsPort)
    {
        kestrel.ListenAnyIP(flags.ProbePort);
    }
});

builder.Services
    .AddDaaluOperator(o =>
    {
        o.LeaderElection.Enabled = flags.LeaderElect;
        o.LeaderElection.LeaseName = "daalu-operator";
        o.LeaderElection.LeaseNamespace = flags.Namespace;
    })
    .AddDaaluControllers(new OperatorSettings
    {
        DevicePluginNamespace = flags.DevicePluginNamespace,
        DetectionInterval = flags.DetectionInterval,
        Workers = flags.Workers,
        GpuRuntimeClass = flags.GpuRuntimeClass,
    })
    .AddDaaluRouting(routing)
    .AddDaaluTenancy();

var app = builder.Build();

// Metrics and probes on their own ports, so a NetworkPolicy can open /metrics to Prometheus only.
var metrics = app.Services.GetRequiredService<OperatorMetrics>();
app.MapMetrics("/metrics", metrics.Registry).RequireHost($"*:{flags.MetricsPort}");
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(OperatorServiceCollectionExtensions.LiveTag) })
    .RequireHost($"*:{flags.ProbePort}");
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(OperatorServiceCollectionExtensions.ReadyTag) })
    .RequireHost($"*:{flags.ProbePort}");

await app.RunAsync();
return 0;
