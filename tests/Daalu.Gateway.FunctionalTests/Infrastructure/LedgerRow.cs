namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>One row of a router's SQLite ledger table.</summary>
public sealed record LedgerRow(string RequestId, int Attempt, string Tenant, string Tier, string Backend, string RequestClass, long TokensIn, long TokensOut, bool Estimated, bool Partial, string LedgerPath);
