using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Runtime.Informers;

public sealed partial class Informer<T> : IInformer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Listed {Kind}: {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion);

        [LoggerMessage(2, LogLevel.Debug, "Watch of {Kind} closed at resourceVersion {ResourceVersion}; reopening")]
        public static partial void WatchClosed(ILogger logger, string kind, string resourceVersion);

        [LoggerMessage(3, LogLevel.Warning, "Watch of {Kind} delivered nothing for {Seconds}s; reopening")]
        public static partial void WatchStalled(ILogger logger, string kind, double seconds);

        [LoggerMessage(4, LogLevel.Information, "resourceVersion {ResourceVersion} of {Kind} expired; re-listing")]
        public static partial void WatchExpired(ILogger logger, string kind, string? resourceVersion);

        [LoggerMessage(5, LogLevel.Warning, "{Operation} of {Kind} failed: {ErrorType} (HTTP {StatusCode}) {Message}")]
        public static partial void ListWatchFailed(ILogger logger, string kind, string operation, string errorType, int? statusCode, string message);

        [LoggerMessage(6, LogLevel.Error, "An event handler of {Kind} failed: {ErrorType} {Message}")]
        public static partial void HandlerFailed(ILogger logger, string kind, string errorType, string message);
    }
}
