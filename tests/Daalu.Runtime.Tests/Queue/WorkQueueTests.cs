using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Daalu.Runtime.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Runtime.Tests.Queue;

public class WorkQueueTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");
    private static readonly AsyncLocal<object?> Ambient = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private WorkQueue<ObjectKey> NewQueue(BackoffOptions? options = null, double sample = 0) =>
        new(new ExponentialBackoffRateLimiter<ObjectKey>(options ?? new BackoffOptions(), new FixedRandom(sample)), _time);

    private static async Task<ObjectKey?> TryGetAsync(WorkQueue<ObjectKey> queue, int milliseconds = 100)
    {
        using var cts = new CancellationTokenSource(milliseconds);
        try
        {
            var (item, shutdown) = await queue.GetAsync(cts.Token);
            return shutdown ? null : item;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Add_SameKeyTwice_HandedOutOnce()
    {
        using var queue = NewQueue();
        queue.Add(A);
        queue.Add(A);
        queue.Add(B);

        Assert.Equal(2, queue.Count);
        Assert.Equal(A, await TryGetAsync(queue));
        Assert.Equal(B, await TryGetAsync(queue));
        Assert.Null(await TryGetAsync(queue));
    }

    [Fact]
    public async Task Add_WhileProcessing_RunsAgainOnlyAfterDone()
    {
        using var queue = NewQueue();
        queue.Add(A);
        var first = await TryGetAsync(queue);
        Assert.Equal(A, first);

        queue.Add(A);
        queue.Add(A);

        Assert.Null(await TryGetAsync(queue));
        queue.Done(A);
        Assert.Equal(A, await TryGetAsync(queue));
        queue.Done(A);
        Assert.Null(await TryGetAsync(queue));
    }

    [Fact]
    public async Task GetAsync_ManyWorkersAndAdds_NeverProcessesOneKeyTwiceAtOnce()
    {
        using var queue = new WorkQueue<ObjectKey>(new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions(), new Random(1)), TimeProvider.System);
        var keys = Enumerable.Range(0, 5).Select(i => new ObjectKey("ns", $"k{i}")).ToArray();
        var inFlight = new ConcurrentDictionary<ObjectKey, int>();
        var processed = 0;
        var overlaps = 0;
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            while (true)
            {
                var (key, shutdown) = await queue.GetAsync(CancellationToken.None);
                if (shutdown)
                {
                    return;
                }

                if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Delay(1);
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Increment(ref processed);
                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            queue.Add(keys[random.Next(keys.Length)]);
            if (i % 50 == 0)
            {
                await Task.Delay(1);
            }
        }

        while (queue.Count > 0)
        {
            await Task.Delay(5);
        }

        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, overlaps);
        Assert.InRange(processed, keys.Length, 2000);
    }

    [Fact]
    public async Task AddAfter_FakeTime_AppearsOnlyWhenTheDelayPassed()
    {
        using var queue = NewQueue();
        queue.AddAfter(A, TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(A, await TryGetAsync(queue));
    }

    [Fact]
    public void AddAfter_EarlierDelayForSameKey_Wins()
    {
        using var queue = NewQueue();
        queue.AddAfter(A, TimeSpan.FromSeconds(30));
        queue.AddAfter(A, TimeSpan.FromSeconds(5));
        queue.AddAfter(A, TimeSpan.FromSeconds(60));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.Count);

        // The replaced timers must not add the key a second time later.
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task AddRateLimited_RepeatedFailures_BackoffGrowsThenCaps()
    {
        using var queue = NewQueue(new BackoffOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0 });
        var observed = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            queue.AddRateLimited(A);
            var waited = 0;
            while (queue.Count == 0)
            {
                _time.Advance(TimeSpan.FromMilliseconds(500));
                waited += 500;
            }

            observed.Add(waited / 1000.0);
            var (item, _) = await queue.GetAsync(CancellationToken.None);
            queue.Done(item);
        }

        Assert.Equal([1, 2, 4, 8, 8, 8], observed);
        Assert.Equal(6, queue.NumRequeues(A));
    }

    [Fact]
    public void AddRateLimited_WithJitter_DelayWithinBounds()
    {
        using var queue = NewQueue(new BackoffOptions { BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromMinutes(1), Jitter = 0.5 }, sample: 0.5);
        queue.AddRateLimited(A);

        // 10 s reduced by 0.5 * 0.5 = 25 %: due at 7.5 s.
        _time.Advance(TimeSpan.FromSeconds(7.4));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task Forget_AfterFailures_ResetsBackoffToBase()
    {
        using var queue = NewQueue(new BackoffOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromMinutes(1), Jitter = 0 });
        queue.AddRateLimited(A);
        queue.AddRateLimited(A);
        queue.AddRateLimited(A);
        Assert.Equal(3, queue.NumRequeues(A));

        queue.Forget(A);

        Assert.Equal(0, queue.NumRequeues(A));
        _time.Advance(TimeSpan.FromSeconds(10));
        var (item, _) = await queue.GetAsync(CancellationToken.None);
        queue.Done(item);
        queue.AddRateLimited(A);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task ShutDown_WaitingWorker_WakesWithShutdown()
    {
        using var queue = NewQueue();
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();
        await Task.Delay(20);
        Assert.False(waiting.IsCompleted);

        queue.ShutDown();

        var (_, shutdown) = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(shutdown);
        queue.Add(A);
        Assert.Equal(0, queue.Count);
    }

    // A requeue from a reconcile must not keep that reconcile's async locals (its activity, its logging scopes) alive
    // until the timer fires: a real timer captures the execution context unless its flow is suppressed.
    [Fact]
    public void AddAfter_RealTimer_DoesNotKeepTheCallersAsyncLocalsAlive()
    {
        using var queue = new WorkQueue<ObjectKey>(new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions(), new Random(1)), TimeProvider.System);
        var payload = ScheduleWithAmbientValue(queue);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(payload.IsAlive, "the delayed add's timer captured the caller's execution context");
    }

    [Fact]
    public async Task AddAfter_RealTimer_StillAddsTheItem()
    {
        using var queue = new WorkQueue<ObjectKey>(new ExponentialBackoffRateLimiter<ObjectKey>(new BackoffOptions(), new Random(1)), TimeProvider.System);
        ScheduleWithAmbientValue(queue, TimeSpan.FromMilliseconds(20));

        Assert.Equal(A, await TryGetAsync(queue, 5000));
    }

    // ExecutionContext.Run gives the caller its own context back, so afterwards only a timer that captured the
    // context can still reach the value set inside.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ScheduleWithAmbientValue(WorkQueue<ObjectKey> queue, TimeSpan? delay = null)
    {
        WeakReference? weak = null;
        ExecutionContext.Run(ExecutionContext.Capture()!, _ =>
        {
            var value = new object();
            weak = new WeakReference(value);
            Ambient.Value = value;
            queue.AddAfter(A, delay ?? TimeSpan.FromHours(1));
        }, null);
        return weak!;
    }
}
