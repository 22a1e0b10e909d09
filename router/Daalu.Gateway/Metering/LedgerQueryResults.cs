using System.Data.Common;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;

namespace Daalu.Gateway.Metering;

/// <summary>
/// Reads the usage query's result set, the same eleven columns in both ledger stores (day, tenant, tier, class, calls,
/// tokens in and out, cost and commercial nano-units, estimated and partial counts), into rows.
/// </summary>
internal static class UsageRowReader
{
    public static List<UsageRow> ReadAll(DbDataReader reader)
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
}
