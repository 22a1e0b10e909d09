using System.Globalization;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Quota;
using Microsoft.Data.Sqlite;

namespace Daalu.Gateway.Usage;

/// <summary>
/// Reads the ledger for the usage API. Scoping: a tenant sees only its own rows; an admin sees all tenants (or one).
/// Entitlements by role: card-level credit data (per contributed card) only for the card's tenant when it is an
/// Owner or Provider, and for admins; a consumer's own rows never name the backend or the card that served them.
/// </summary>
public sealed class UsageQueryService(GatewayOptions options, TimeProvider time, IUsageDirectory? directory = null)
{
    /// <summary>Maximum days a report may span.</summary>
    public const int MaxDays = 366;

    private readonly IUsageDirectory _directory = directory ?? new StaticUsageDirectory();

    /// <summary>Builds the report. Throws <see cref="ArgumentException"/> on bad input and <see cref="UnauthorizedAccessException"/> when a tenant asks for another tenant.</summary>
    public UsageReport Query(UsageQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.Caller);
        if (query.Days is < 1 or > MaxDays)
        {
            throw new ArgumentException($"days must be between 1 and {MaxDays}.", nameof(query));
        }

        string? scope;
        if (query.Caller.Admin)
        {
            scope = string.IsNullOrWhiteSpace(query.Tenant) ? null : query.Tenant;
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(query.Tenant) && !string.Equals(query.Tenant, query.Caller.Tenant, StringComparison.Ordinal))
            {
                throw new UnauthorizedAccessException("A tenant key may only read its own usage.");
            }

            scope = query.Caller.Tenant;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var to = now.Date;
        var from = to.AddDays(-(query.Days - 1));
        var fromDay = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var toDay = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var role = scope is null ? null : (TenantRole?)_directory.RoleOf(scope);

        if (!File.Exists(Path.GetFullPath(options.LedgerPath)))
        {
            return Build(scope, role, fromDay, toDay, query.Days, [], null, null, now);
        }

        using var connection = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout, readOnly: true);
        var rows = ReadRows(connection, scope, fromDay, toDay);
        ProviderCredits? credits = null;
        if (query.Caller.Admin || role is TenantRole.Owner or TenantRole.Provider)
        {
            credits = ReadCredits(connection, scope, fromDay, toDay, includeContributor: scope is null);
        }

        QuotaStatus? quota = null;
        if (scope is not null && _directory.PlanOf(scope) is { } plan)
        {
            var period = QuotaMath.PeriodOf(now);
            var used = HostedUsed(connection, scope, period);
            quota = new QuotaStatus(period, plan.MonthlyTokenBudget, used, Math.Max(0, plan.MonthlyTokenBudget - used), plan.ShadowMode);
        }

        return Build(scope, role, fromDay, toDay, query.Days, rows, quota, credits, now);
    }

    /// <summary>Every contributor's total credit over the whole ledger, in nano-units, ordered by contributor. Deterministic.</summary>
    public IReadOnlyList<(string Contributor, long CreditNano)> RebuildProviderCredits()
    {
        var result = new List<(string, long)>();
        if (!File.Exists(Path.GetFullPath(options.LedgerPath)))
        {
            return result;
        }

        using var connection = SqliteStores.Open(options.LedgerPath, options.LedgerBusyTimeout, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT contributor_tenant, SUM(credit_nano) FROM ledger
            WHERE contributor_tenant IS NOT NULL GROUP BY contributor_tenant ORDER BY contributor_tenant
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return result;
    }

    private UsageReport Build(string? scope, TenantRole? role, string fromDay, string toDay, int days,
        List<UsageRow> rows, QuotaStatus? quota, ProviderCredits? credits, DateTime now)
    {
        _ = now;
        // Rows metered without commercial reference prices (a plan without them, or no plan: own-GPU calls) would say
        // "0 % saved" while the SKU comparison prices the same tokens: they are priced at the first commercial SKU
        // instead, so rows, totals and that SKU's line agree. The report names the SKU it used.
        var fallback = _directory.CommercialSkus.Count > 0 ? _directory.CommercialSkus[0] : null;
        string? fallbackUsed = null;
        if (fallback is not null)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                if (r.CommercialEquivalent == 0 && r.TokensIn + r.TokensOut > 0)
                {
                    var cost = LedgerPricing.ToUnits(LedgerPricing.Nano(fallback.InputPerMTok, r.TokensIn) + LedgerPricing.Nano(fallback.OutputPerMTok, r.TokensOut));
                    rows[i] = r with { CommercialEquivalent = cost, SavingsPercent = Savings(r.Spend, cost) };
                    fallbackUsed = fallback.Sku;
                }
            }
        }

        long requests = 0, tokensIn = 0, tokensOut = 0;
        decimal spend = 0, commercial = 0;
        foreach (var row in rows)
        {
            requests += row.Requests;
            tokensIn += row.TokensIn;
            tokensOut += row.TokensOut;
            spend += row.Spend;
            commercial += row.CommercialEquivalent;
        }

        var skus = _directory.CommercialSkus
            .Select(s =>
            {
                var cost = LedgerPricing.ToUnits(LedgerPricing.Nano(s.InputPerMTok, tokensIn) + LedgerPricing.Nano(s.OutputPerMTok, tokensOut));
                return new SkuCost(s.Sku, cost, Savings(spend, cost));
            })
            .ToList();
        return new UsageReport(scope, role?.ToString() ?? "Admin", fromDay, toDay, days, rows,
            new UsageTotals(requests, tokensIn, tokensOut, spend, commercial, Savings(spend, commercial)), quota, credits, skus)
        {
            CommercialReferenceSku = fallbackUsed,
        };
    }

    /// <summary>Savings of <paramref name="spend"/> against <paramref name="reference"/>, in percent (0 when the reference is 0).</summary>
    public static decimal Savings(decimal spend, decimal reference) =>
        reference <= 0 ? 0 : Math.Round((reference - spend) / reference * 100m, 2, MidpointRounding.ToEven);

    private static List<UsageRow> ReadRows(SqliteConnection connection, string? scope, string fromDay, string toDay)
    {
        using var command = connection.CreateCommand();
        var tenantColumn = scope is null ? "tenant" : "NULL";
        command.CommandText = $"""
            SELECT day, {tenantColumn}, tier, request_class, COUNT(*), SUM(tokens_in), SUM(tokens_out),
                   SUM(cost_nano), SUM(commercial_nano), SUM(estimated), SUM(partial)
            FROM ledger
            WHERE day >= $from AND day <= $to {(scope is null ? string.Empty : "AND tenant = $tenant")}
            GROUP BY day, {tenantColumn}, tier, request_class
            ORDER BY day, {tenantColumn}, tier, request_class
            """;
        command.Parameters.AddWithValue("$from", fromDay);
        command.Parameters.AddWithValue("$to", toDay);
        if (scope is not null)
        {
            command.Parameters.AddWithValue("$tenant", scope);
        }

        var rows = new List<UsageRow>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var spend = LedgerPricing.ToUnits(reader.GetInt64(7));
            var commercial = LedgerPricing.ToUnits(reader.GetInt64(8));
            rows.Add(new UsageRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                spend,
                commercial,
                Savings(spend, commercial),
                reader.GetInt64(9),
                reader.GetInt64(10)));
        }

        return rows;
    }

    private static ProviderCredits ReadCredits(SqliteConnection connection, string? scope, string fromDay, string toDay, bool includeContributor)
    {
        using var command = connection.CreateCommand();
        var contributor = includeContributor ? "contributor_tenant" : "NULL";
        command.CommandText = $"""
            SELECT day, {contributor}, backend, COUNT(*), SUM(tokens_in + tokens_out), SUM(credit_nano)
            FROM ledger
            WHERE contributor_tenant IS NOT NULL AND day >= $from AND day <= $to
                  {(scope is null ? string.Empty : "AND contributor_tenant = $tenant")}
            GROUP BY day, {contributor}, backend
            ORDER BY day, {contributor}, backend
            """;
        command.Parameters.AddWithValue("$from", fromDay);
        command.Parameters.AddWithValue("$to", toDay);
        if (scope is not null)
        {
            command.Parameters.AddWithValue("$tenant", scope);
        }

        var cards = new List<CardCredit>();
        long total = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var nano = reader.GetInt64(5);
            total += nano;
            cards.Add(new CardCredit(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetInt64(3), reader.GetInt64(4), LedgerPricing.ToUnits(nano)));
        }

        return new ProviderCredits(LedgerPricing.ToUnits(total), cards);
    }

    private static long HostedUsed(SqliteConnection connection, string tenant, string period)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(tokens_in + tokens_out), 0) FROM ledger WHERE tenant = $t AND period = $p AND tier = 'Hosted'";
        command.Parameters.AddWithValue("$t", tenant);
        command.Parameters.AddWithValue("$p", period);
        return (long)command.ExecuteScalar()!;
    }
}
