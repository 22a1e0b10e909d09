using Daalu.Api.V1Alpha1;
using Daalu.Operator.Controllers;
using Daalu.Operator.Routing;
using Daalu.Runtime.Hosting;
using Daalu.Runtime.Informers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Daalu.Operator.Tenancy;

/// <summary>Registers the TenantQuota controller on the runtime.</summary>
public static class TenancyWiring
{
    /// <summary>
    /// Adds the TenantQuota controller. Call after <see cref="RoutingWiring.AddDaaluRouting"/> (it shares its settings,
    /// compilation and TenantQuota informer). Register an <see cref="IUsageClient"/> first to replace the HTTP one.
    /// </summary>
    public static OperatorBuilder AddDaaluTenancy(this OperatorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IUsageClient>(sp => new HttpUsageClient(
            new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(3) })
            {
                Timeout = TimeSpan.FromSeconds(10),
            },
            sp.GetRequiredService<RoutingSettings>()));
        return builder.AddController<TenantQuota, TenantQuotaReconciler>((c, sp) =>
        {
            var quotas = sp.GetRequiredService<IInformer<TenantQuota>>().Cache;
            c.Watches(sp.GetRequiredService<IInformer<GpuNode>>(), g => TenantQuotaReconciler.KeysForGpuNode(quotas, g));
        });
    }
}
