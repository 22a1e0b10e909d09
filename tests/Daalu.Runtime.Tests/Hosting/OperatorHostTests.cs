using System.Net;
using Daalu.Api.V1Alpha1;
using Daalu.KubeApiServer;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Hosting;
using Daalu.Runtime.Informers;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Daalu.Runtime.Tests.Hosting;

public sealed class OperatorHostTests : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServer _server = TestApi.Start();
    private readonly WebApplication _app;
    private readonly HttpClient _http = new();

    public OperatorHostTests()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IKubernetes>(_server.CreateClient("operator"));
        builder.Services.AddSingleton(new OperatorMetrics(Metrics.NewCustomRegistry()));
        builder.Services
            .AddDaaluOperator(o =>
            {
                o.LeaderElection.LeaseNamespace = "default";
                o.LeaderElection.Identity = "operator-1";
                o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(4);
                o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(3);
                o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(300);
                o.Informers = new InformerOptions { StallTimeout = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromMilliseconds(50) };
            })
            .AddCustomResourceInformer<GpuNode>()
            .AddController<GpuNode, CountingReconciler>();
        _app = builder.Build();
        _app.MapOperatorEndpoints();
    }

    private string Url(string path) => _app.Urls.First().TrimEnd('/') + path;

    [Fact]
    public async Task Host_Running_ReconcilesAndServesReadyHealthAndMetrics()
    {
        await _app.StartAsync();
        var reconciler = _app.Services.GetRequiredService<CountingReconciler>();

        await TestApi.CreateGpuNodeAsync(_server.CreateClient(), "gpu-1", "node-1");

        Assert.True(await TestApi.EventuallyAsync(() => reconciler.Calls > 0));
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(Url("/readyz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(Url("/healthz"))).StatusCode);
        var metrics = await _http.GetStringAsync(Url("/metrics"));
        Assert.Contains("daalu_reconcile_total{kind=\"GpuNode\",result=\"success\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("daalu_leader 1", metrics, StringComparison.Ordinal);
        Assert.Contains("daalu_reconcile_duration_seconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_LosesLease_StopsTheApplication()
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await _app.StartAsync();
        var reconciler = _app.Services.GetRequiredService<CountingReconciler>();
        await TestApi.CreateGpuNodeAsync(_server.CreateClient(), "gpu-1", "node-1");
        Assert.True(await TestApi.EventuallyAsync(() => reconciler.Calls > 0));

        _server.InjectFailure(new FailureRule { Verb = "update", Resource = "leases", StatusCode = 500, Times = 100_000 });

        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A reconciler that only counts calls; the host test is about wiring, not reconcile logic.</summary>
    internal sealed class CountingReconciler : IReconciler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(ReconcileResult.Success());
        }
    }
}
