using System.Runtime.CompilerServices;

// The ledger tests fail an outbox write part way through (SqliteLedger.WriteToSegment) and read the segment format
// directly (OutboxFormat); both stay internal to the gateway.
[assembly: InternalsVisibleTo("Daalu.Gateway.Tests")]
