using System.Globalization;
using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Quota;

/// <summary>
/// Quota arithmetic as pure functions: billing periods (calendar months in UTC), minute windows, reservation
/// sizes, admission decisions and settlement. The in-process and Redis gates both follow these rules (the Redis
/// Lua script is a transcription of <see cref="Decide"/>), and the tests exercise them without I/O.
/// </summary>
public static class QuotaMath
{
    /// <summary>The billing period that contains <paramref name="time"/>, e.g. "2026-11". Always UTC.</summary>
    public static string PeriodOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return Formatted(ref s_lastPeriod, (utc.Year * 100) + utc.Month, utc, "yyyy-MM");
    }

    /// <summary>The UTC day of <paramref name="time"/>, "yyyy-MM-dd" (the ledger's day column).</summary>
    public static string DayOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return Formatted(ref s_lastDay, (utc.Year * 10_000) + (utc.Month * 100) + utc.Day, utc, "yyyy-MM-dd");
    }

    // Every call of a month (or a day) names the same period (or day): the last one formatted is kept, so the hot path
    // (a reservation, a ledger record) does not format and allocate the same string again.
    private static FormattedDate? s_lastPeriod;
    private static FormattedDate? s_lastDay;

    private static string Formatted(ref FormattedDate? last, int key, DateTime utc, string format)
    {
        if (Volatile.Read(ref last) is { } kept && kept.Key == key)
        {
            return kept.Text;
        }

        var text = utc.ToString(format, CultureInfo.InvariantCulture);
        Volatile.Write(ref last, new FormattedDate(key, text));
        return text;
    }

    private sealed record FormattedDate(int Key, string Text);

    /// <summary>First instant of <paramref name="period"/> (inclusive), UTC.</summary>
    public static DateTimeOffset PeriodStart(string period)
    {
        if (period is null || period.Length != 7 || period[4] != '-' ||
            !int.TryParse(period.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
            !int.TryParse(period.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) ||
            year < 1 || month is < 1 or > 12)
        {
            throw new ArgumentException($"'{period}' is not a billing period (expected yyyy-MM).", nameof(period));
        }

        return new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>First instant after <paramref name="period"/> (exclusive end), UTC.</summary>
    public static DateTimeOffset PeriodEnd(string period) => PeriodStart(period).AddMonths(1);

    /// <summary>The minute window (Unix minute) that contains <paramref name="time"/>.</summary>
    public static long MinuteOf(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeMilliseconds(), 60_000L, out var rem) - (rem < 0 ? 1 : 0);

    /// <summary>
    /// Tokens to reserve for one call: prompt tokens plus max_tokens, or the plan's default cap when the
    /// request has no max_tokens.
    /// </summary>
    public static long ReservationTokens(long promptTokens, long? maxTokens, TenantPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        if (maxTokens is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "max_tokens must not be negative.");
        }

        var output = maxTokens ?? plan.DefaultMaxTokens;
        return checked(promptTokens + Math.Max(0, output));
    }

    /// <summary>
    /// Decides whether a reservation of <paramref name="tokens"/> fits. Limits of 0 for TPM and RPM mean none;
    /// the monthly budget always applies. Check order: enrolment, budget, tokens per minute, requests per minute.
    /// Admission preserves <c>spent + reserved + tokens &lt;= budget</c>.
    /// </summary>
    public static QuotaDecision Decide(TenantPlan plan, QuotaUsage usage, long tokens)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        var refusal = FirstRefusal(plan, usage, tokens);
        if (refusal is null)
        {
            return new QuotaDecision(true, null, null);
        }

        return new QuotaDecision(plan.ShadowMode, refusal.Value.Reason, refusal.Value.Message);
    }

    /// <summary>Counters after admitting a reservation of <paramref name="tokens"/>.</summary>
    public static QuotaUsage AfterReserve(QuotaUsage usage, long tokens) =>
        usage with
        {
            Reserved = usage.Reserved + tokens,
            MinuteTokens = usage.MinuteTokens + tokens,
            MinuteRequests = usage.MinuteRequests + 1,
        };

    /// <summary>
    /// Counters after settling a reservation of <paramref name="reserved"/> to <paramref name="actual"/> tokens:
    /// spend becomes the actual count and the unused part returns. The minute window is corrected only when it
    /// is still the reservation's window (<paramref name="sameMinute"/>).
    /// </summary>
    public static QuotaUsage AfterSettle(QuotaUsage usage, long reserved, long actual, bool sameMinute)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        return usage with
        {
            Reserved = Math.Max(0, usage.Reserved - reserved),
            Spent = usage.Spent + actual,
            MinuteTokens = sameMinute ? Math.Max(0, usage.MinuteTokens - reserved + actual) : usage.MinuteTokens,
        };
    }

    /// <summary>
    /// Counters after releasing an unused reservation. The request stays counted in its minute window (an
    /// admission is an admission for RPM), the tokens return to the budget and to the minute window.
    /// </summary>
    public static QuotaUsage AfterRelease(QuotaUsage usage, long reserved, bool sameMinute) =>
        usage with
        {
            Reserved = Math.Max(0, usage.Reserved - reserved),
            MinuteTokens = sameMinute ? Math.Max(0, usage.MinuteTokens - reserved) : usage.MinuteTokens,
        };

    private static (string Reason, string Message)? FirstRefusal(TenantPlan plan, QuotaUsage usage, long tokens)
    {
        if (!plan.Enrolled)
        {
            return (QuotaRefusalReasons.NotEnrolled, $"Tenant '{plan.Tenant}' is not enrolled in the hosted pool.");
        }

        var committed = usage.Spent + usage.Reserved;
        if (committed + tokens > plan.MonthlyTokenBudget)
        {
            var left = Math.Max(0, plan.MonthlyTokenBudget - committed);
            return (QuotaRefusalReasons.QuotaExceeded,
                string.Create(CultureInfo.InvariantCulture,
                    $"Monthly hosted token budget of {plan.MonthlyTokenBudget} would be exceeded: {left} tokens left, this request needs up to {tokens}."));
        }

        if (plan.TokensPerMinute > 0 && usage.MinuteTokens + tokens > plan.TokensPerMinute)
        {
            return (QuotaRefusalReasons.TokensPerMinute,
                string.Create(CultureInfo.InvariantCulture,
                    $"Hosted tokens-per-minute limit of {plan.TokensPerMinute} would be exceeded: {Math.Max(0, plan.TokensPerMinute - usage.MinuteTokens)} left this minute, this request needs up to {tokens}."));
        }

        if (plan.RequestsPerMinute > 0 && usage.MinuteRequests + 1 > plan.RequestsPerMinute)
        {
            return (QuotaRefusalReasons.RequestsPerMinute,
                string.Create(CultureInfo.InvariantCulture,
                    $"Hosted requests-per-minute limit of {plan.RequestsPerMinute} reached for this minute."));
        }

        return null;
    }
}
