namespace Daalu.Router.LoadBalancing;

/// <summary>
/// Live accounting of one backend: calls and tokens this router has in flight there, the last polled vLLM gauges
/// (vllm:kv_cache_usage_perc, vllm:num_requests_waiting, vllm:num_requests_running, as documented in vLLM's
/// "Production Metrics" page) and what changed since that poll, and recent times to first token. Polls come every
/// probeIntervalMs (5 s by default); a burst arrives in far less, so saturation is judged on the poll moved by what
/// this router itself sent since. Thread-safe.
///
/// The view also holds the backend's prefill backlog: prompt tokens of this router's calls there that have not had
/// their first token, less what the backend's prefix cache likely held for each when it was sent (<see cref="Index"/>).
/// vLLM's scheduler admits waiting prompts first come, first served (the default scheduling policy, fcfs) under a
/// per-step token budget, max_num_batched_tokens, prefilling long prompts in chunks (vLLM docs, "Optimization and
/// Tuning", Chunked Prefill: https://docs.vllm.ai/en/stable/configuration/optimization/), and a prompt costs its tokens
/// less those found in the prefix cache over the card's prefill throughput (VLLM.md, "Timing, for a simulator"); so a
/// new call's first token comes after those tokens are prefilled, while vllm:num_requests_waiting counts a queued
/// 8,000-token miss the same as a 300-token chat. A non-streamed call's first token is not seen by the router: its
/// prefill counts until it ends.
///
/// The card's prefill rate is learned from first tokens by <see cref="Rule"/>: by default the uncached prompt tokens
/// the card served over the time its backlog was non-empty (<see cref="PrefillRateRule.ServedOverBusyTime"/>), so what
/// the card already held, and work already in progress when a call came, are not counted as prefilled.
/// </summary>
public sealed class LoadTracker(TimeProvider time)
{
    /// <summary>Samples kept for the TTFT objective (the newest; older ones fall out of any window first).</summary>
    public const int TtftCapacity = 256;

    /// <summary>Output tokens expected when a call sets no max_tokens (a typical chat reply).</summary>
    public const int DefaultExpectedOutput = 256;

    /// <summary>Output tokens counted at most per call: a call reserves KV only as it generates, most stop early.</summary>
    public const int MaxExpectedOutput = 1024;

    private readonly Lock _gate = new();
    private int _inFlight;
    private int _answering;
    private long _tokens;
    private long _prefillBacklog;
    private double? _prefillPerMs;
    private DateTimeOffset? _busySince;
    private long _servedTokens;
    private double _servedMs;
    private bool _polled;
    private double? _kv;
    private double? _waiting;
    private double? _running;
    private int _inFlightAtPoll;
    private long _tokensAtPoll;
    private int _enteredSincePoll;
    private int _exitedSincePoll;
    private int _firstTokensSincePoll;
    private double? _kvPerToken;
    // The newest TtftCapacity samples are _ttftBuffer[_ttftStart.._ttftEnd). A record writes the slot after the window, which no
    // published window covers, so an estimate holds a view of the buffer instead of a copy; the window is copied to a
    // fresh buffer only when the end is reached, once per TtftCapacity records (the earlier code copied all 256 samples
    // on every streamed call).
    private TtftSample[] _ttftBuffer = [];
    private int _ttftStart;
    private int _ttftEnd;

    /// <summary>Tokens a call may occupy in the KV cache: its prompt plus its expected output.</summary>
    public static long ExpectedTokens(long promptTokens, int? maxTokens) =>
        Math.Max(0, promptTokens) + Math.Clamp(maxTokens ?? DefaultExpectedOutput, 0, MaxExpectedOutput);

    /// <summary>Prompt tokens a call must have waited for to teach the prefill rate (fewer: the step overhead dominates).</summary>
    public const int MinRateSampleTokens = 1024;

    /// <summary>What this router has sent to the backend per conversation: the prefix its cache likely holds.</summary>
    public PrefixIndex Index { get; } = new();

    /// <summary>
    /// Counts a call in: <paramref name="tokens"/> of KV (<see cref="ExpectedTokens"/>), and <paramref name="promptTokens"/>
    /// less what <see cref="Index"/> says the backend holds of the prompt's prefix (its conversation, or a prefix other
    /// conversations sent there share: <see cref="PrefixIndex.HeldTokens"/>) into the prefill backlog; notes the prefix
    /// as sent there. The ticket counts it out (<see cref="RecordTtft(double, LoadTicket?)"/>, <see cref="Exit(LoadTicket)"/>).
    /// </summary>
    public LoadTicket Enter(long tokens, long promptTokens, PrefixKey? key)
    {
        var cached = key is { } k ? (Rule == PrefillRateRule.WaitedPerCall ? Index.CachedTokens(k) : Index.HeldTokens(k)) : 0;
        var prefill = Math.Max(0, promptTokens - cached);
        if (key is { } sent)
        {
            Index.Record(sent);
        }

        long ahead;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            ahead = _prefillBacklog;
            if (_prefillBacklog == 0 && prefill > 0)
            {
                _busySince = now; // the card starts prefilling this router's calls now
            }

            _prefillBacklog += prefill;
        }

        Enter(tokens);
        return new LoadTicket(tokens, prefill) { BacklogAhead = ahead };
    }

    /// <summary>
    /// How the prefill rate is learned (<see cref="PrefillRateRule"/>). <see cref="PrefillRateRule.ServedOverBusyTime"/>
    /// unless set otherwise; the workload benchmark sets the tenth session's rule to compare the two side by side.
    /// </summary>
    public PrefillRateRule Rule { get; init; } = PrefillRateRule.ServedOverBusyTime;

    /// <summary>Counts the call of <paramref name="ticket"/> out (its prefill too, if no first token came).</summary>
    public void Exit(LoadTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        _ = PrefillDone(ticket, firstToken: false);
        Exit(ticket.Tokens);
    }

    /// <summary>Counts a call of <paramref name="tokens"/> in.</summary>
    public void Enter(long tokens)
    {
        lock (_gate)
        {
            _inFlight++;
            _enteredSincePoll++;
            _tokens += tokens;
        }
    }

    /// <summary>Counts a call of <paramref name="tokens"/> out.</summary>
    public void Exit(long tokens)
    {
        lock (_gate)
        {
            _inFlight = Math.Max(0, _inFlight - 1);
            _answering = Math.Min(_inFlight, Math.Max(0, _answering - 1));
            _exitedSincePoll++;
            _tokens = Math.Max(0, _tokens - tokens);
        }
    }

    /// <summary>Takes a poll of the backend's gauges (null where the backend does not export one).</summary>
    public void Polled(double? kvCacheUsage, double? waiting, double? running)
    {
        lock (_gate)
        {
            _polled = true;
            _kv = kvCacheUsage;
            _waiting = waiting;
            _running = running;
            _inFlightAtPoll = _inFlight;
            _tokensAtPoll = _tokens;
            _enteredSincePoll = 0;
            _exitedSincePoll = 0;
            _firstTokensSincePoll = 0;

            // KV cost per token of this router's calls, learned from the poll once there is enough to learn from.
            // With other router replicas also sending there it comes out high, which errs towards spilling early.
            if (kvCacheUsage is { } kv && kv >= 0.02 && _tokens >= 256)
            {
                var sample = kv / _tokens;
                _kvPerToken = _kvPerToken is { } old ? (0.7 * old) + (0.3 * sample) : sample;
            }
        }
    }

    /// <summary>
    /// Records the time to first token of the call of <paramref name="ticket"/>, which streamed: its prefill is done (once
    /// per call), and the card's prefill rate (<see cref="LoadEstimate.PrefillTokensPerMs"/>) learns from it by
    /// <see cref="Rule"/>.
    /// </summary>
    public void RecordTtft(double ms, LoadTicket? ticket)
    {
        if (ticket is null)
        {
            RecordTtft(ms);
            return;
        }

        // Once per call: a second signal for the same call (or one after it ended) would count a second answer.
        if (!PrefillDone(ticket, firstToken: true))
        {
            return;
        }

        RecordTtft(ms);
        if (Rule != PrefillRateRule.WaitedPerCall)
        {
            return;
        }

        // The tenth session's rule: the prompt tokens this call waited for and prefilled, over its time to first token.
        // It over-estimates: the calls ahead counted whole though they were partly prefilled when this one came (a step of
        // up to 8,192 tokens takes seconds on a small card), and prefixes the card held that the index did not know.
        var waitedFor = ticket.BacklogAhead + ticket.PrefillTokens;
        if (waitedFor >= MinRateSampleTokens && ms > 0)
        {
            Learn(waitedFor / ms);
        }
    }

    /// <summary>Records the time to first token of a call that streamed.</summary>
    public void RecordTtft(double ms)
    {
        var s = new TtftSample(time.GetUtcNow(), ms);
        lock (_gate)
        {
            if (_ttftEnd == _ttftBuffer.Length)
            {
                var keep = Math.Min(_ttftEnd - _ttftStart, TtftCapacity - 1);
                var next = new TtftSample[2 * TtftCapacity];
                Array.Copy(_ttftBuffer, _ttftEnd - keep, next, 0, keep);
                _ttftBuffer = next; // the old buffer is never written again: an estimate may hold a view of it
                _ttftStart = 0;
                _ttftEnd = keep;
            }

            _firstTokensSincePoll++;
            _answering = Math.Min(_inFlight, _answering + 1);
            _ttftBuffer[_ttftEnd++] = s;
            _ttftStart = Math.Max(_ttftStart, _ttftEnd - TtftCapacity);
        }
    }

    /// <summary>The current estimate.</summary>
    public LoadEstimate Estimate()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_polled)
            {
                return new LoadEstimate(now, _inFlight, _tokens, _inFlight, null, null, TtftWindowView()) { Answering = _answering, PrefillBacklogTokens = _prefillBacklog, Index = Index, PrefillTokensPerMs = _prefillPerMs };
            }

            var dReq = _inFlight - _inFlightAtPoll;
            var dTok = _tokens - _tokensAtPoll;
            double requests = _inFlight;
            if (_running is not null || _waiting is not null)
            {
                requests = Math.Max(_inFlight, (_running ?? 0) + (_waiting ?? 0) + dReq);
            }

            // A call leaves vLLM's waiting queue when it is scheduled, which for a streamed call is when its first token
            // comes (its prefill is done), long before it ends: counting only ends kept a burst's queue in the estimate
            // for the length of its replies and skipped cards that had already drained it. So the queue drains by the
            // first tokens seen since the poll, or by the calls ended when more ended (answers that were not streamed).
            double? waiting = _waiting is { } w
                ? Math.Max(0, w + (w > 0 ? _enteredSincePoll - Math.Max(_firstTokensSincePoll, _exitedSincePoll) : 0))
                : null;
            double? kv = _kv is { } k ? Math.Clamp(k + (dTok * (_kvPerToken ?? 0)), 0, 1) : null;
            return new LoadEstimate(now, _inFlight, _tokens, requests, waiting, kv, TtftWindowView()) { Answering = _answering, PrefillBacklogTokens = _prefillBacklog, Index = Index, PrefillTokensPerMs = _prefillPerMs };
        }
    }

    // Counts the ticket's prefill out; false when it already was. With ServedOverBusyTime, a first token also closes an
    // interval of the card's busy time: the tokens it prefilled over the time since the last first token (or since the
    // backlog last became non-empty) is what the card served in that time, partial progress and decode steps included.
    private bool PrefillDone(LoadTicket ticket, bool firstToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (ticket.PrefillDone)
            {
                return false;
            }

            ticket.PrefillDone = true;
            _prefillBacklog = Math.Max(0, _prefillBacklog - ticket.PrefillTokens);
            if (_busySince is { } since)
            {
                if (firstToken)
                {
                    _servedTokens += ticket.PrefillTokens;
                    _servedMs += Math.Max(0, (now - since).TotalMilliseconds);
                    if (Rule == PrefillRateRule.ServedOverBusyTime && _servedTokens >= MinRateSampleTokens && _servedMs > 0)
                    {
                        LearnUnderGate(_servedTokens / _servedMs);
                        (_servedTokens, _servedMs) = (0, 0);
                    }
                }
                else
                {
                    // A call ended without a first token seen (a JSON answer): when its prefill finished is unknown, so
                    // the interval it spans is dropped rather than credited to the wrong time.
                    (_servedTokens, _servedMs) = (0, 0);
                }

                _busySince = _prefillBacklog > 0 ? now : null;
            }

            return true;
        }
    }

    private void Learn(double sample)
    {
        lock (_gate)
        {
            LearnUnderGate(sample);
        }
    }

    // Under _gate: smoothed, 0.8 old + 0.2 new.
    private void LearnUnderGate(double sample) =>
        _prefillPerMs = _prefillPerMs is { } old ? (0.8 * old) + (0.2 * sample) : sample;

    // Called under _gate. No samples (every call answered whole, the common case) needs no view object.
    private IReadOnlyList<TtftSample> TtftWindowView() =>
        _ttftEnd == _ttftStart ? Array.Empty<TtftSample>() : new ArraySegment<TtftSample>(_ttftBuffer, _ttftStart, _ttftEnd - _ttftStart);
}
