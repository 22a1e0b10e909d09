using Daalu.Runtime.Controllers;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daalu.Runtime.Hosting;

/// <summary>Registers informers and controllers; returned by <see cref="OperatorServiceCollectionExtensions.AddDaaluOperator"/>.</summary>
public sealed class OperatorBuilder
{
    internal OperatorBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers one informer for <typeparamref name="T"/> (resolve it as <see cref="IInformer{T}"/>); the host
    /// starts it at startup, before leader election, so /readyz reflects the cache.
    /// </summary>
    public OperatorBuilder AddInformer<T>(Func<IServiceProvider, IListWatch<T>> listWatch)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        AddInformer(listWatch, transform: null);

    /// <summary>
    /// As <see cref="AddInformer{T}(Func{IServiceProvider, IListWatch{T}})"/>, with a <paramref name="transform"/> that
    /// trims every object before it is cached (see <see cref="Informer{T}"/>).
    /// </summary>
    public OperatorBuilder AddInformer<T>(Func<IServiceProvider, IListWatch<T>> listWatch, Action<T>? transform)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(listWatch);
        Services.AddSingleton<IInformer<T>>(sp =>
        {
            var informer = new Informer<T>(
                listWatch(sp),
                sp.GetRequiredService<IOptions<OperatorOptions>>().Value.Informers,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Daalu.Runtime.Informer.{typeof(T).Name}"),
                sp.GetRequiredService<OperatorMetrics>(),
                transform);
            sp.GetRequiredService<ReadYourWrites>().Register(informer);
            return informer;
        });
        Services.AddSingleton<IInformer>(sp => sp.GetRequiredService<IInformer<T>>());
        return this;
    }

    /// <summary>Registers an informer for a custom resource kind across all namespaces.</summary>
    public OperatorBuilder AddCustomResourceInformer<T>(string? @namespace = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        AddInformer(sp => ListWatches.CustomResource<T>(sp.GetRequiredService<IKubernetes>(), @namespace));

    /// <summary>
    /// Registers a controller for <typeparamref name="T"/> run by <typeparamref name="TReconciler"/> (a singleton).
    /// <paramref name="configure"/> adds owned and watched kinds (their informers must be registered too) and options.
    /// </summary>
    public OperatorBuilder AddController<T, TReconciler>(Action<ControllerBuilder<T>, IServiceProvider>? configure = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler
    {
        Services.TryAddSingleton<TReconciler>();
        Services.AddSingleton(new ControllerRegistration(ResourceInfo.Of<T>().Kind, sp =>
        {
            var builder = new ControllerBuilder<T>(sp.GetRequiredService<IInformer<T>>());
            configure?.Invoke(builder, sp);
            return builder.Build(
                sp.GetRequiredService<TReconciler>(),
                sp.GetRequiredService<TimeProvider>(),
                Random.Shared,
                sp.GetRequiredService<OperatorMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Daalu.Runtime.Controller.{typeof(T).Name}"));
        }));
        return this;
    }
}
