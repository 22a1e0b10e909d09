using System.Data.Common;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Gateway.Metering;

/// <summary>
/// What the two ledger stores' usage and credit queries share: their day-range parameters, and their result sets
/// (the same columns in SQLite and PostgreSQL) read into rows.
/// </summary>
internal static class LedgerQueryResults
{
    /// <summary>
    /// Binds <c>from</c>, <c>to</c> and, when <paramref name="scope"/> is set, <c>tenant</c>, each name behind
    /// <paramref name="marker"/> ("$" for SQLite; "" for Npgsql, whose SQL says <c>@from</c>).
    /// </summary>
    public static void BindDayRange(DbCommand command, string marker, string fromDay, string toDay, string? scope)
    {
        Bind(command, marker + "from", fromDay);
        Bind(command, marker + "to", toDay);
        if (scope is not null)
        {
            Bind(command, marker + "tenant", scope);
        }
    }

    /// <summary>
    /// The usage query's eleven columns (day, tenant, tier, class, calls, tokens in and out, cost and commercial
    /// nano-units, estimated and partial counts) as rows.
    /// </summary>
    public static List<UsageRow> UsageRows(DbDataReader reader)
    {
        var rows = new List<UsageRow>();
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
                UsageQueryService.Savings(spend, commercial),
                reader.GetInt64(9),
                reader.GetInt64(10)));
        }

        return rows;
    }

    /// <summary>The credit query's six columns (day, contributor, card, calls, tokens, credit nano-units) as cards and their total.</summary>
    public static ProviderCredits Credits(DbDataReader reader)
    {
        var cards = new List<CardCredit>();
        long total = 0;
        while (reader.Read())
        {
            var nano = reader.GetInt64(5);
            total += nano;
            cards.Add(new CardCredit(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetInt64(3), reader.GetInt64(4), LedgerPricing.ToUnits(nano)));
        }

        return new ProviderCredits(LedgerPricing.ToUnits(total), cards);
    }

    private static void Bind(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
