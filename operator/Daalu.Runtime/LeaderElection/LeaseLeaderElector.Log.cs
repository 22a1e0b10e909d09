using Microsoft.Extensions.Logging;

namespace Daalu.Runtime.LeaderElection;

public sealed partial class LeaseLeaderElector
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Identity} became leader of lease {Lease}")]
        public static partial void StartedLeading(ILogger logger, string identity, string lease);

        [LoggerMessage(2, LogLevel.Error, "{Identity} could not renew lease {Lease} within {Seconds}s; stopped acting")]
        public static partial void LostLease(ILogger logger, string identity, string lease, double seconds);

        [LoggerMessage(3, LogLevel.Debug, "Lease {Lease} attempt failed: {ErrorType} (HTTP {StatusCode})")]
        public static partial void AttemptFailed(ILogger logger, string lease, string errorType, int? statusCode);

        [LoggerMessage(4, LogLevel.Information, "{Identity} released lease {Lease}")]
        public static partial void Released(ILogger logger, string identity, string lease);

        [LoggerMessage(5, LogLevel.Debug, "Leader work ended with {ErrorType}")]
        public static partial void WorkEnded(ILogger logger, string errorType);
    }
}
