using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;
using Daalu.Runtime.Hosting;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Daalu.Operator.Routing;

/// <summary>
/// Registers the RoutingPolicy status controller and the router objects controller on the runtime (the TenantQuota
/// one: <c>AddDaaluTenancy</c>).
/// </summary>
public static class RoutingWiring
{
    /// <summary>
    /// Adds the RoutingPolicy controller and the TenantQuota informer. Call after <c>AddDaaluControllers</c>: it uses that call's GpuNode, ModelServing,
    /// Deployment and Service informers. Register an <see cref="IRouterClient"/> first to replace the HTTP one.
    /// </summary>
    public static OperatorBuilder AddDaaluRouting(this OperatorBuilder builder, RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.TryAddSingleton<AdminKeyStore>();
        services.TryAddSingleton<SecretCatalogReader>();
        services.TryAddSingleton<RoutingCompilation>();
        services.TryAddSingleton<RouterObjectsProgress>();
        services.TryAddSingleton<IRouterClient>(sp => new HttpRouterClient(
            new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(3) })
            {
                Timeout = TimeSpan.FromSeconds(10),
            },
            settings));

        var managed = $"{WellKnown.ManagedByLabel}={WellKnown.ManagedByValue}";
        return builder
            .AddCustomResourceInformer<RoutingPolicy>()
            .AddCustomResourceInformer<TenantQuota>()
            .AddInformer(sp => ListWatches.ConfigMaps(sp.GetRequiredService<IKubernetes>(), settings.RouterNamespace, managed))
            // The router's StatefulSet (PostgreSQL mode): its readiness lets the reconciler retire an older Deployment.
            .AddInformer(sp => ListWatches.StatefulSets(sp.GetRequiredService<IKubernetes>(), settings.RouterNamespace, managed))
            .AddController<RoutingPolicy, RoutingPolicyReconciler>((c, sp) =>
            {
                var policies = sp.GetRequiredService<IInformer<RoutingPolicy>>().Cache;
                IEnumerable<Daalu.Runtime.ObjectKey> All<T>(T _) => RoutingPolicyReconciler.AllPolicies(policies);
                bool IsRouter(V1ObjectMeta? m) => m?.Name is { } n && (n == settings.RouterName || n == settings.ConfigMapName) && m.NamespaceProperty == settings.RouterNamespace;

                // Status only: the router objects are RouterObjectsReconciler's. A single worker keeps compiles in order.
                c.Options.Workers = 1;
                c.Watches(sp.GetRequiredService<IInformer<ModelServing>>(), All);
                c.Watches(sp.GetRequiredService<IInformer<GpuNode>>(), All);
                c.Watches(sp.GetRequiredService<IInformer<TenantQuota>>(), All);
                c.Watches(sp.GetRequiredService<IInformer<V1ConfigMap>>(), cm => IsRouter(cm.Metadata) ? All(cm) : []);
                if (sp.GetService<IInformer<V1Deployment>>() is { } deployments)
                {
                    c.Watches(deployments, d => IsRouter(d.Metadata) ? All(d) : []);
                }

                if (sp.GetService<IInformer<V1Service>>() is { } routerServices)
                {
                    c.Watches(routerServices, s => IsRouter(s.Metadata) ? All(s) : []);
                }

                c.Watches(sp.GetRequiredService<IInformer<V1StatefulSet>>(), s => IsRouter(s.Metadata) ? All(s) : []);
            })
            .AddController<V1ConfigMap, RouterObjectsReconciler>((c, sp) =>
            {
                // The router objects are shared by every policy: one fixed key, so one worker at a time writes them.
                // Every routing input queues it; so does a change to the objects (the ConfigMap is this controller's
                // own kind; the Deployment, StatefulSet and Service through their informers, e.g. a deletion by hand, or
                // the StatefulSet's first Ready replica, which retires a Deployment left by an older operator).
                var key = RouterObjectsReconciler.Key(settings);
                bool IsRouter(V1ObjectMeta? m) => m?.Name is { } n && (n == settings.RouterName || n == settings.ConfigMapName) && m.NamespaceProperty == settings.RouterNamespace;
                c.Watches(sp.GetRequiredService<IInformer<RoutingPolicy>>(), _ => [key]);
                c.Watches(sp.GetRequiredService<IInformer<ModelServing>>(), _ => [key]);
                c.Watches(sp.GetRequiredService<IInformer<GpuNode>>(), _ => [key]);
                c.Watches(sp.GetRequiredService<IInformer<TenantQuota>>(), _ => [key]);
                if (sp.GetService<IInformer<V1Deployment>>() is { } deployments)
                {
                    c.Watches(deployments, d => IsRouter(d.Metadata) ? [key] : []);
                }

                if (sp.GetService<IInformer<V1Service>>() is { } routerServices)
                {
                    c.Watches(routerServices, s => IsRouter(s.Metadata) ? [key] : []);
                }

                c.Watches(sp.GetRequiredService<IInformer<V1StatefulSet>>(), s => IsRouter(s.Metadata) ? [key] : []);
            });
    }
}
