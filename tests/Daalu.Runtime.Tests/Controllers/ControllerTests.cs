using Daalu.Runtime.Controllers;
using Daalu.Runtime.Diagnostics;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Queue;
using Daalu.Runtime.Tests.Queue;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace Daalu.Runtime.Tests.Controllers;

public class ControllerTests
{
    private static readonly ObjectKey Key = new("ns", "a");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly OperatorMetrics _metrics = new(Metrics.NewCustomRegistry());

    private (Controller Controller, WorkQueue<ObjectKey> Queue) Create(IReconciler reconciler)
    {
        var queue = new WorkQueue<ObjectKey>(
            new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60), Jitter = 0 }, new FixedRandom(0)),
            _time);
        return (new Controller("Thing", reconciler, queue, Array.Empty<IInformer>(), metrics: _metrics, time: _time), queue);
    }

    [Fact]
    public async Task ProcessAsync_ReconcilerThrows_RequeuedWithGrowingBackoff()
    {
        var reconciler = new ScriptedReconciler(_ => throw new InvalidOperationException("secret-free message"));
        var (controller, queue) = Create(reconciler);

        await controller.ProcessAsync(Key, CancellationToken.None);
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);

        var (key, _) = await queue.GetAsync(CancellationToken.None);
        await controller.ProcessAsync(key, CancellationToken.None);
        queue.Done(key);
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(1, queue.Count);
        Assert.Equal(2, _metrics.ReconcileTotal.WithLabels("Thing", "error").Value);
    }

    [Fact]
    public async Task ProcessAsync_SuccessAfterFailures_ForgetsBackoff()
    {
        var calls = 0;
        var reconciler = new ScriptedReconciler(_ => ++calls < 3 ? ReconcileResult.Failure("not yet") : ReconcileResult.Success());
        var (controller, queue) = Create(reconciler);

        await controller.ProcessAsync(Key, CancellationToken.None);
        await controller.ProcessAsync(Key, CancellationToken.None);
        Assert.Equal(2, queue.NumRequeues(Key));
        await controller.ProcessAsync(Key, CancellationToken.None);

        Assert.Equal(0, queue.NumRequeues(Key));
        Assert.Equal(1, _metrics.ReconcileTotal.WithLabels("Thing", "success").Value);
        Assert.Equal(2, _metrics.ReconcileTotal.WithLabels("Thing", "failure").Value);
    }

    [Fact]
    public async Task ProcessAsync_TerminalFailure_NotRequeued()
    {
        var (controller, queue) = Create(new ScriptedReconciler(_ => ReconcileResult.TerminalFailure("invalid")));

        await controller.ProcessAsync(Key, CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, queue.Count);
        Assert.Equal(1, _metrics.ReconcileTotal.WithLabels("Thing", "terminal").Value);
    }

    [Fact]
    public async Task ProcessAsync_SuccessWithRequeueAfter_AddedAfterThatDelay()
    {
        var (controller, queue) = Create(new ScriptedReconciler(_ => ReconcileResult.Success(TimeSpan.FromSeconds(30))));

        await controller.ProcessAsync(Key, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task RunAsync_KeysAdded_ReconciledByWorkersUntilCancelled()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<ObjectKey>();
        var reconciler = new ScriptedReconciler(k =>
        {
            seen.Add(k);
            return ReconcileResult.Success();
        });
        var queue = new WorkQueue<ObjectKey>(new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions(), new Random(1)), TimeProvider.System);
        var controller = new Controller("Thing", reconciler, queue, Array.Empty<IInformer>(), new ControllerOptions { Workers = 3, ResyncPeriod = null });
        using var cts = new CancellationTokenSource();
        var run = controller.RunAsync(cts.Token);
        for (var i = 0; i < 10; i++)
        {
            queue.Add(new ObjectKey("ns", $"k{i}"));
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (seen.Count < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(10, seen.Distinct().Count());
    }

    [Fact]
    public async Task ProcessAsync_ExceptionWithSecretInInnerDetails_LogsTypeAndMessageOnly()
    {
        var logger = new CapturingLogger();
        var queue = new WorkQueue<ObjectKey>(new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions(), new FixedRandom(0)), _time);
        var reconciler = new ScriptedReconciler(_ =>
            throw new InvalidOperationException("could not pull weights", new HttpRequestException("Authorization: Bearer hf_secret_token")));
        var controller = new Controller("Thing", reconciler, queue, Array.Empty<IInformer>(), logger: logger, time: _time);

        await controller.ProcessAsync(Key, CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Contains("InvalidOperationException", entry.Message, StringComparison.Ordinal);
        Assert.Contains("could not pull weights", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_secret_token", entry.Message, StringComparison.Ordinal);
        Assert.Null(entry.Exception);
    }

    [Fact]
    public async Task RunAsync_FourWorkers_DistinctKeysInParallelButNeverOneKeyTwiceAtOnce()
    {
        var reconciler = new GatedReconciler();
        var queue = new WorkQueue<ObjectKey>(new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions(), new Random(1)), TimeProvider.System);
        var controller = new Controller("Thing", reconciler, queue, Array.Empty<IInformer>(), new ControllerOptions { Workers = 4, ResyncPeriod = null });
        using var cts = new CancellationTokenSource();
        var run = controller.RunAsync(cts.Token);
        var keys = Enumerable.Range(0, 4).Select(i => new ObjectKey("ns", $"k{i}")).ToList();
        foreach (var key in keys)
        {
            queue.Add(key);
        }

        // All four are held inside ReconcileAsync at once: the workers really run in parallel.
        await reconciler.AllInFlight(4).WaitAsync(TimeSpan.FromSeconds(5));

        // Changes arrive for every key while it is being reconciled: each must wait for its own reconcile to end.
        foreach (var key in keys)
        {
            queue.Add(key);
        }

        await Task.Delay(100);
        Assert.Equal(4, reconciler.MaxInFlight);
        reconciler.Release();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (keys.Any(k => reconciler.Calls(k) < 2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(keys, k => Assert.Equal(2, reconciler.Calls(k)));
        Assert.False(reconciler.SameKeyOverlapped, "a key was reconciled by two workers at once");
        Assert.Equal(4, reconciler.MaxInFlight);
    }

    // Holds every reconcile until released and records how many run at once, overall and per key.
    private sealed class GatedReconciler : IReconciler
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<ObjectKey, int> _inFlight = [];
        private readonly Dictionary<ObjectKey, int> _calls = [];
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _reached;
        private int _wanted;
        private int _total;

        public int MaxInFlight { get; private set; }

        public bool SameKeyOverlapped { get; private set; }

        public Task AllInFlight(int count)
        {
            lock (_gate)
            {
                _wanted = count;
                _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_total >= count)
                {
                    _reached.TrySetResult();
                }

                return _reached.Task;
            }
        }

        public void Release() => _released.TrySetResult();

        public int Calls(ObjectKey key)
        {
            lock (_gate)
            {
                return _calls.GetValueOrDefault(key);
            }
        }

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _calls[key] = _calls.GetValueOrDefault(key) + 1;
                var mine = _inFlight[key] = _inFlight.GetValueOrDefault(key) + 1;
                SameKeyOverlapped |= mine > 1;
                _total++;
                MaxInFlight = Math.Max(MaxInFlight, _total);
                if (_reached is not null && _total >= _wanted)
                {
                    _reached.TrySetResult();
                }
            }

            try
            {
                await _released.Task.WaitAsync(cancellationToken);
                return ReconcileResult.Success();
            }
            finally
            {
                lock (_gate)
                {
                    _inFlight[key]--;
                    _total--;
                }
            }
        }
    }

    private sealed class ScriptedReconciler(Func<ObjectKey, ReconcileResult> script) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => Task.FromResult(script(key));
    }
}
