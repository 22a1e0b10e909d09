using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Events;
using Daalu.Runtime.Informers;
using Daalu.Runtime.LeaderElection;
using Daalu.Runtime.Resources;
using Daalu.Runtime.Status;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Daalu.Runtime.Hosting;

/// <summary>Registers the controller runtime.</summary>
public static class OperatorServiceCollectionExtensions
{
    /// <summary>The health check tag of liveness checks (/healthz).</summary>
    public const string LiveTag = "live";

    /// <summary>The health check tag of readiness checks (/readyz).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Registers the runtime: the Kubernetes client (from a registered <see cref="KubernetesClientConfiguration"/>, else
    /// in-cluster or kubeconfig; an <see cref="IKubernetes"/> registered instead is used as it is, without
    /// read-your-writes), <see cref="ReadYourWrites"/>,
    /// metrics, status writer, finalizers, event recorder, leader elector, health checks, OpenTelemetry tracing
    /// with OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, and the hosted service that runs it all.
    /// </summary>
    public static OperatorBuilder AddDaaluOperator(this IServiceCollection services, Action<OperatorOptions>? configure = null) =>
        AddDaaluOperator(services, configure, Environment.GetEnvironmentVariable);

    /// <summary><see cref="AddDaaluOperator(IServiceCollection, Action{OperatorOptions}?)"/> with the environment given.</summary>
    internal static OperatorBuilder AddDaaluOperator(this IServiceCollection services, Action<OperatorOptions>? configure, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<OperatorOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        // A registered configuration, else in-cluster, else KUBECONFIG (a path list, as kubectl reads it) or
        // ~/.kube/config (Kubeconfig). The client hands every write's result to the informers (read-your-writes).
        services.TryAddSingleton<ReadYourWrites>();
        services.TryAddSingleton<IKubernetes>(sp => new Kubernetes(
            sp.GetService<KubernetesClientConfiguration>()
                ?? (KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig() : Kubeconfig.Load()),
            sp.GetRequiredService<ReadYourWrites>().CreateHandler()));
        services.TryAddSingleton(_ => new OperatorMetrics());
        services.TryAddSingleton<IStatusWriter>(sp => new StatusWriter(sp.GetRequiredService<IKubernetes>()));
        services.TryAddSingleton<IFinalizers>(sp => new Finalizers(sp.GetRequiredService<IKubernetes>()));
        services.TryAddSingleton<IEventRecorder>(sp => new EventRecorder(
            sp.GetRequiredService<IKubernetes>(),
            sp.GetRequiredService<IOptions<OperatorOptions>>().Value.Component,
            Environment.GetEnvironmentVariable("POD_NAME"),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<EventRecorder>()));
        services.TryAddSingleton<ILeaderElector>(sp => new LeaseLeaderElector(
            sp.GetRequiredService<IKubernetes>(),
            sp.GetRequiredService<IOptions<OperatorOptions>>().Value.LeaderElection,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<LeaseLeaderElector>(),
            sp.GetRequiredService<OperatorMetrics>()));
        services.AddHostedService<OperatorHostedService>();
        services.AddHealthChecks()
            .AddCheck<InformersLiveCheck>("informers-live", tags: [LiveTag])
            .AddCheck<InformersReadyCheck>("informers-ready", tags: [ReadyTag]);

        // Without an exporter no tracer is registered: a tracer with nowhere to send spans still made every reconcile
        // create (and every delayed requeue keep alive) an activity that went nowhere, and loaded the SDK for nothing.
        if (!string.IsNullOrEmpty(environment("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService(environment("OTEL_SERVICE_NAME") ?? "daalu-operator"))
                .WithTracing(tracing => tracing.AddSource(OperatorTelemetry.SourceName).AddOtlpExporter());
        }

        return new OperatorBuilder(services);
    }
}
