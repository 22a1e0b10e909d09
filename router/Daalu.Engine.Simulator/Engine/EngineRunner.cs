using System.Threading.Channels;

namespace Daalu.Engine.Simulator.Engine;

/// <summary>
/// Runs an <see cref="EngineCore"/> against a clock: each step's duration (times <c>timeScale</c>) is waited on the
/// injected <see cref="TimeProvider"/> before the step's tokens are handed to their requests, so tokens arrive when the
/// modelled card would produce them. Time scale 0 runs steps back to back (the engine's own clock still advances by
/// the modelled durations, so its metrics keep the modelled timings).
/// </summary>
public sealed class EngineRunner : IAsyncDisposable
{
    private readonly EngineCore _core;
    private readonly TimeProvider _time;
    private readonly double _timeScale;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<SimSequence, Channel<int>> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly long _start;
    private readonly Task _loop;
    private TimeSpan _now;

    /// <summary>Starts the engine loop.</summary>
    public EngineRunner(EngineCore core, TimeProvider time, double timeScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(timeScale);
        _core = core;
        _time = time;
        _timeScale = timeScale;
        _start = time.GetTimestamp();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Reads engine state under the engine's lock.</summary>
    public T Read<T>(Func<EngineCore, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate)
        {
            return read(_core);
        }
    }

    /// <summary>Queues a request; the reader yields the generated-token count after each token and completes when it finishes.</summary>
    public (SimSequence Seq, ChannelReader<int> Tokens) Submit(IReadOnlyList<int> prompt, int maxTokens, int naturalLength)
    {
        var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        SimSequence seq;
        lock (_gate)
        {
            seq = _core.Submit(prompt, maxTokens, naturalLength, Arrival());
            _listeners[seq] = channel;
        }

        _wake.Release();
        return (seq, channel.Reader);
    }

    /// <summary>Drops a request whose client went away.</summary>
    public void Abort(SimSequence seq)
    {
        lock (_gate)
        {
            if (_listeners.Remove(seq, out var ch))
            {
                _core.Abort(seq);
                _core.Stats.Aborted();
                ch.Writer.TryComplete();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private TimeSpan Arrival() => _timeScale > 0
        ? TimeSpan.FromTicks(Math.Max(_now.Ticks, (long)(_time.GetElapsedTime(_start).Ticks / _timeScale)))
        : _now;

    private async Task LoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            StepResult step;
            lock (_gate)
            {
                if (!_core.HasWork)
                {
                    step = null!;
                }
                else
                {
                    _now = Arrival();
                    step = _core.Step(_now);
                }
            }

            if (step is null)
            {
                await _wake.WaitAsync(ct);
                continue;
            }

            if (_timeScale > 0 && step.Duration > TimeSpan.Zero)
            {
                await Task.Delay(step.Duration * _timeScale, _time, ct);
            }
            else
            {
                await Task.Yield();
            }

            lock (_gate)
            {
                _now += step.Duration;
                foreach (var seq in step.Emitted)
                {
                    if (_listeners.TryGetValue(seq, out var ch))
                    {
                        ch.Writer.TryWrite(seq.Generated);
                    }
                }

                foreach (var seq in step.Finished)
                {
                    if (_listeners.Remove(seq, out var ch))
                    {
                        ch.Writer.TryComplete();
                    }
                }
            }
        }
    }
}
