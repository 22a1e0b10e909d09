using System.Collections.Concurrent;
using System.Globalization;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Quota;

namespace Daalu.Gateway;

/// <summary>
/// The single-replica quota gate. Each tenant's counters sit behind one lock, so a decision and its reservation
/// are one atomic step: <c>spent + reserved &lt;= budget</c> holds exactly (overshoot zero) as long as calls
/// settle at or below what they reserved. Spend survives a restart when a spend seed (the ledger) is given.
/// Reservations that were neither settled nor released within the reservation TTL are reclaimed.
/// </summary>
public sealed class InMemoryQuotaGate : IQuotaGate
{
    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Func<string, string, long>? _spentSeed;
    private readonly TimeSpan _reservationTtl;

    /// <summary>Creates the gate.</summary>
    /// <param name="time">Clock for periods and minute windows.</param>
    /// <param name="spentSeed">Tokens already spent by (tenant, period), read once per tenant and period (e.g. from the ledger).</param>
    /// <param name="reservationTtl">Age after which an open reservation is reclaimed; default 15 minutes.</param>
    public InMemoryQuotaGate(TimeProvider time, Func<string, string, long>? spentSeed = null, TimeSpan? reservationTtl = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _spentSeed = spentSeed;
        _reservationTtl = reservationTtl ?? TimeSpan.FromMinutes(15);
    }

    /// <inheritdoc />
    public ValueTask<Admission> ReserveAsync(TenantPlan plan, long tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var period = QuotaMath.PeriodOf(now);
        var minute = QuotaMath.MinuteOf(now);
        var state = _tenants.GetOrAdd(plan.Tenant, static _ => new TenantState());
        var id = Ids.UniqueIds.Next(); // outside the lock: the lock is per tenant and every hosted call takes it
        Admission admission;
        long reservedNow;
        lock (state)
        {
            Sweep(state, now);
            state.RollMinute(minute);
            var counters = CountersOf(state, plan.Tenant, period);
            var usage = new QuotaUsage(counters.Spent, counters.Reserved, state.MinuteTokens, state.MinuteRequests);
            var decision = QuotaMath.Decide(plan, usage, tokens);
            if (decision.Reason is not null)
            {
                GatewayMetrics.QuotaRefusals.WithLabels(plan.Tenant, decision.Reason, decision.Shadowed ? "true" : "false").Inc();
            }

            if (!decision.Admit)
            {
                return ValueTask.FromResult(Admission.Refuse(decision.Reason!, decision.Message!));
            }

            var after = QuotaMath.AfterReserve(usage, tokens);
            counters.Reserved = after.Reserved;
            state.MinuteTokens = after.MinuteTokens;
            state.MinuteRequests = after.MinuteRequests;
            var reservation = new Reservation(plan.Tenant, id, tokens, period, minute);
            state.Open[reservation.Id] = new OpenReservation(reservation, now);
            admission = Admission.Admit(reservation);
            reservedNow = state.TotalReserved();
        }

        GatewayMetrics.ReservedTokens.WithLabels(plan.Tenant).Set(reservedNow);
        return ValueTask.FromResult(admission);
    }

    /// <inheritdoc />
    public ValueTask SettleAsync(Reservation reservation, long actualTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualTokens);
        Close(reservation, actualTokens);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        Close(reservation, null);
        return ValueTask.CompletedTask;
    }

    /// <summary>The tenant's counters for <paramref name="period"/> and the current minute window.</summary>
    public QuotaUsage GetUsage(string tenant, string period)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var state = _tenants.GetOrAdd(tenant, static _ => new TenantState());
        lock (state)
        {
            state.RollMinute(QuotaMath.MinuteOf(_time.GetUtcNow()));
            var counters = CountersOf(state, tenant, period);
            return new QuotaUsage(counters.Spent, counters.Reserved, state.MinuteTokens, state.MinuteRequests);
        }
    }

    private void Close(Reservation reservation, long? actualTokens)
    {
        // Settle and release must work even when the caller's token is cancelled (the cancellation path is
        // exactly when a release matters), so no token is observed here.
        if (!_tenants.TryGetValue(reservation.Tenant, out var state))
        {
            return;
        }

        long reservedNow;
        lock (state)
        {
            if (!state.Open.Remove(reservation.Id, out var open))
            {
                return; // already settled, released or reclaimed: idempotent
            }

            Apply(state, open.Reservation, actualTokens);
            reservedNow = state.TotalReserved();
        }

        GatewayMetrics.ReservedTokens.WithLabels(reservation.Tenant).Set(reservedNow);
    }

    private void Apply(TenantState state, Reservation r, long? actualTokens)
    {
        state.RollMinute(QuotaMath.MinuteOf(_time.GetUtcNow()));
        var counters = CountersOf(state, r.Tenant, r.Period);
        var sameMinute = state.Minute == r.Minute;
        var usage = new QuotaUsage(counters.Spent, counters.Reserved, state.MinuteTokens, state.MinuteRequests);
        var after = actualTokens is { } actual
            ? QuotaMath.AfterSettle(usage, r.Tokens, actual, sameMinute)
            : QuotaMath.AfterRelease(usage, r.Tokens, sameMinute);
        counters.Spent = after.Spent;
        counters.Reserved = after.Reserved;
        state.MinuteTokens = after.MinuteTokens;
    }

    private void Sweep(TenantState state, DateTimeOffset now)
    {
        if (now - state.LastSweep < TimeSpan.FromSeconds(30))
        {
            return;
        }

        state.LastSweep = now;
        List<OpenReservation>? expired = null;
        foreach (var open in state.Open.Values)
        {
            if (now - open.CreatedAt > _reservationTtl)
            {
                (expired ??= []).Add(open);
            }
        }

        foreach (var open in expired ?? [])
        {
            state.Open.Remove(open.Reservation.Id);
            Apply(state, open.Reservation, null);
        }
    }

    private PeriodCounters CountersOf(TenantState state, string tenant, string period)
    {
        if (!state.Periods.TryGetValue(period, out var counters))
        {
            counters = new PeriodCounters { Spent = _spentSeed?.Invoke(tenant, period) ?? 0 };
            state.Periods[period] = counters;
        }

        return counters;
    }

    private sealed class TenantState
    {
        public Dictionary<string, PeriodCounters> Periods { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, OpenReservation> Open { get; } = new(StringComparer.Ordinal);

        public long Minute { get; private set; } = long.MinValue;

        public long MinuteTokens { get; set; }

        public long MinuteRequests { get; set; }

        public DateTimeOffset LastSweep { get; set; } = DateTimeOffset.MinValue;

        public void RollMinute(long minute)
        {
            if (minute != Minute)
            {
                Minute = minute;
                MinuteTokens = 0;
                MinuteRequests = 0;
            }
        }

        public long TotalReserved()
        {
            long total = 0;
            foreach (var c in Periods.Values)
            {
                total += c.Reserved;
            }

            return total;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Open.Count} open");
    }

    private sealed class PeriodCounters
    {
        public long Spent { get; set; }

        public long Reserved { get; set; }
    }

    private sealed record OpenReservation(Reservation Reservation, DateTimeOffset CreatedAt);
}
