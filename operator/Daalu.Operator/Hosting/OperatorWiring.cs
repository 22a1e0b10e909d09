using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Controllers;
using Daalu.Operator.Detection;
using Daalu.Operator.Gpu;
using Daalu.Runtime;
using Daalu.Runtime.Hosting;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Daalu.Operator.Hosting;

/// <summary>Registers the GpuNode and ModelServing controllers, their informers and the detection seam on the runtime.</summary>
public static class OperatorWiring
{
    /// <summary>The HttpClient name used by <see cref="HttpServedModelDetector"/>.</summary>
    public const string DetectorClientName = "daalu-detector";

    /// <summary>
    /// Adds both controllers. Register an <see cref="IServedModelDetector"/> before calling this to replace the HTTP
    /// one (tests do). Informers: GpuNodes and ModelServings everywhere, Nodes, the device plugin's DaemonSet and pods
    /// in its namespace, and Deployments/Services labelled as the operator's.
    /// </summary>
    public static OperatorBuilder AddDaaluControllers(this OperatorBuilder builder, OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.TryAddSingleton<IRuntimeClassProbe, ApiRuntimeClassProbe>();
        services.TryAddSingleton<IServedModelDetector>(_ => new HttpServedModelDetector(new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(3),
        })));

        var managed = $"{WellKnown.ManagedByLabel}={WellKnown.ManagedByValue}";
        var pluginPods = $"app.kubernetes.io/name={ChildNames.DevicePlugin}";
        return builder
            .AddCustomResourceInformer<GpuNode>()
            .AddCustomResourceInformer<ModelServing>()
            .AddInformer(sp => ListWatches.Nodes(sp.GetRequiredService<IKubernetes>()))
            .AddInformer(sp => ListWatches.DaemonSets(sp.GetRequiredService<IKubernetes>(), settings.DevicePluginNamespace, managed))
            .AddInformer(sp => ListWatches.Pods(sp.GetRequiredService<IKubernetes>(), settings.DevicePluginNamespace, pluginPods))
            .AddInformer(sp => ListWatches.Deployments(sp.GetRequiredService<IKubernetes>(), null, managed), DropPodSpec)
            .AddInformer(sp => ListWatches.Services(sp.GetRequiredService<IKubernetes>(), null, managed))
            .AddController<GpuNode, GpuNodeReconciler>((c, sp) =>
            {
                var gpuNodes = sp.GetRequiredService<IInformer<GpuNode>>().Cache;
                c.Options.ResyncPeriod = settings.ResyncPeriod;
                c.Options.Workers = settings.Workers;
                c.Watches(sp.GetRequiredService<IInformer<V1Node>>(), node => GpuNodeReconciler.KeysForNode(gpuNodes, node.Metadata?.Name));
                c.Watches(sp.GetRequiredService<IInformer<V1Pod>>(), pod => GpuNodeReconciler.KeysForNode(gpuNodes, pod.Spec?.NodeName));
            })
            .AddController<V1DaemonSet, DevicePluginReconciler>((c, sp) =>
            {
                // One shared DaemonSet, one fixed key: every GpuNode change (and the DaemonSet's own, e.g. a deletion
                // by hand) queues the same key, so one worker at a time writes it.
                var key = DevicePluginReconciler.Key(settings);
                c.Options.ResyncPeriod = settings.ResyncPeriod;
                c.Watches(sp.GetRequiredService<IInformer<GpuNode>>(), _ => [key]);
            })
            .AddController<V1DaemonSet, DcgmExporterReconciler>((c, sp) =>
            {
                // The same shape as the device plugin: one shared DaemonSet (and Service), one fixed key. Its own
                // Service changing (e.g. deleted by hand) queues the key too.
                var key = DcgmExporterReconciler.Key(settings);
                c.Options.ResyncPeriod = settings.ResyncPeriod;
                c.Watches(sp.GetRequiredService<IInformer<GpuNode>>(), _ => [key]);
                c.Watches(sp.GetRequiredService<IInformer<V1Service>>(),
                    service => service.Metadata?.NamespaceProperty == key.Namespace && service.Metadata?.Name == key.Name ? [key] : []);
            })
            .AddController<ModelServing, ModelServingReconciler>((c, sp) =>
            {
                var modelServings = sp.GetRequiredService<IInformer<ModelServing>>().Cache;
                c.Options.ResyncPeriod = settings.ResyncPeriod;
                c.Options.Workers = settings.Workers;
                c.Owns(sp.GetRequiredService<IInformer<V1Deployment>>());
                c.Owns(sp.GetRequiredService<IInformer<V1Service>>());
                c.Watches(sp.GetRequiredService<IInformer<GpuNode>>(), gpuNode => ModelServingReconciler.KeysForGpuNode(modelServings, gpuNode));
            });
    }

    /// <summary>
    /// Trims a cached Deployment to what the reconcilers read (metadata with the spec-hash annotation and owner
    /// references, replicas, selector, status): the pod spec, most of a vLLM Deployment's size, is dropped. Desired and
    /// live are compared by the spec-hash annotation, and the router's reconciler reads its Deployment from the API.
    /// </summary>
    internal static void DropPodSpec(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Spec?.Template is { } template)
        {
            template.Spec = null;
        }
    }
}
