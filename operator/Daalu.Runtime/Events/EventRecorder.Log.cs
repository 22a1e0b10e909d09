using Microsoft.Extensions.Logging;

namespace Daalu.Runtime.Events;

public sealed partial class EventRecorder
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not record event {Reason} for {Kind} {Name}: {ErrorType} (HTTP {StatusCode})")]
        public static partial void RecordFailed(ILogger logger, string reason, string kind, string name, string errorType, int? statusCode);
    }
}
