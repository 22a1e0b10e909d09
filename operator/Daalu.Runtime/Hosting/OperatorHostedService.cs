using Daalu.Runtime.Controllers;
using Daalu.Runtime.Informers;
using Daalu.Runtime.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daalu.Runtime.Hosting;

/// <summary>
/// Builds the controllers (subscribing their queues before any informer lists), starts every informer, then runs the
/// controllers while this process holds the lease. Losing the lease stops the controllers and the application.
/// </summary>
internal sealed partial class OperatorHostedService(
    IServiceProvider services,
    IEnumerable<IInformer> informers,
    IEnumerable<ControllerRegistration> registrations,
    ILeaderElector elector,
    IOptions<OperatorOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<OperatorHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var controllers = registrations.Select(r => r.Build(services)).ToList();
        var informerTasks = informers.Distinct().Select(i => Task.Run(() => i.RunAsync(stoppingToken), stoppingToken)).ToList();
        try
        {
            if (options.Value.LeaderElection.Enabled)
            {
                await elector.RunAsync(
                    token => RunControllersAsync(controllers, token),
                    () =>
                    {
                        if (!stoppingToken.IsCancellationRequested)
                        {
                            // Another replica may take over; this process must not keep acting.
                            Log.ExitingAfterLostLease(logger);
                            lifetime.StopApplication();
                        }
                    },
                    stoppingToken).ConfigureAwait(false);
            }
            else
            {
                await RunControllersAsync(controllers, stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var controller in controllers)
            {
                controller.Queue.ShutDown();
            }

            try
            {
                await Task.WhenAll(informerTasks).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static Task RunControllersAsync(IEnumerable<Controller> controllers, CancellationToken cancellationToken) =>
        Task.WhenAll(controllers.Select(c => c.RunAsync(cancellationToken)));
}
