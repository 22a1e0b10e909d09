using Microsoft.Extensions.Logging;

namespace Daalu.Router.Forwarding;

/// <summary>Source-generated log messages of the forwarding pipeline (one event id space, as before the split).</summary>
internal static partial class ForwardingLog
{
    [LoggerMessage(1, LogLevel.Information, "Request {RequestId} attempt {Attempt} on {Tier}/{Backend} failed: {Reason} ({Detail})")]
    public static partial void AttemptFailed(ILogger logger, string requestId, int attempt, string tier, string backend, string reason, string detail);

    [LoggerMessage(2, LogLevel.Error, "Request {RequestId} attempt {Attempt}: metering record could not be written (tenant {Tenant}, tier {Tier}, tokens in {TokensIn} out {TokensOut}): {Error}: {Detail}")]
    public static partial void MeteringFailed(ILogger logger, string requestId, int attempt, string tenant, string tier, long tokensIn, long tokensOut, string error, string detail);

    [LoggerMessage(3, LogLevel.Error, "Request {RequestId}: quota settlement failed ({Error}: {Detail}); the reservation is released instead")]
    public static partial void SettleFailed(ILogger logger, string requestId, string error, string detail);
}
