using Microsoft.Extensions.Logging;

namespace Daalu.Runtime.Hosting;

internal sealed partial class OperatorHostedService
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Critical, "Lost the leader lease; stopping the application")]
        public static partial void ExitingAfterLostLease(ILogger logger);
    }
}
