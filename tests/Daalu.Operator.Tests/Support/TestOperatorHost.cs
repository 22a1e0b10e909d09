using Daalu.Operator.Controllers;
using Daalu.Operator.Detection;
using Daalu.Operator.Hosting;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Tests.Support;

/// <summary>
/// The operator's host as Program.cs builds it (the runtime plus the GpuNode and ModelServing controllers), with the
/// short informer timings the tests use, served-model detection through <paramref name="routes"/> and no logging.
/// Shared by <see cref="OperatorHarness"/> and the routing harness so both run the same operator.
/// </summary>
internal static class TestOperatorHost
{
    /// <param name="client">
    /// How the operator reaches the API (its requests show up under the configuration's user). The runtime builds the
    /// client from it, as in production, so writes reach the informers (read-your-writes).
    /// </param>
    /// <param name="leaderIdentity">With an identity, leader election on a Lease in "default" with short timings; without, none.</param>
    /// <param name="extra">Further controllers (routing, tenancy) on the same builder.</param>
    public static IHost Build(KubernetesClientConfiguration client, OperatorMetrics metrics, HttpMessageHandler routes, OperatorSettings settings,
        string? leaderIdentity = null, Action<OperatorBuilder>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<IServedModelDetector>(new HttpServedModelDetector(new HttpClient(routes, disposeHandler: false), TimeSpan.FromSeconds(2)));
        builder.Services.AddSingleton<Daalu.Operator.Models.IModelConfigSource>(new Daalu.Operator.Models.ModelConfigReader(
            new HttpClient(routes, disposeHandler: false), Daalu.Operator.Models.ModelConfigReader.DefaultEndpoint, TimeProvider.System));
        var op = builder.Services
            .AddDaaluOperator(o =>
            {
                o.LeaderElection.Enabled = leaderIdentity is not null;
                o.LeaderElection.Identity = leaderIdentity;
                o.LeaderElection.LeaseNamespace = "default";
                o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(8);
                o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(6);
                o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(300);
                o.Informers.StallTimeout = TimeSpan.FromSeconds(2);
                o.Informers.RetryDelay = TimeSpan.FromMilliseconds(50);
                o.Informers.MaxRetryDelay = TimeSpan.FromMilliseconds(500);
            })
            .AddDaaluControllers(settings);
        extra?.Invoke(op);
        return builder.Build();
    }
}
