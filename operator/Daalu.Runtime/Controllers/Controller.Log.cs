using Microsoft.Extensions.Logging;

namespace Daalu.Runtime.Controllers;

public sealed partial class Controller
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Controller {Kind} started with {Workers} workers")]
        public static partial void Started(ILogger logger, string kind, int workers);

        [LoggerMessage(2, LogLevel.Information, "Controller {Kind} stopped")]
        public static partial void Stopped(ILogger logger, string kind);

        [LoggerMessage(3, LogLevel.Debug, "Reconciled {Kind} {Key} in {Milliseconds} ms")]
        public static partial void Reconciled(ILogger logger, string kind, string key, double milliseconds);

        [LoggerMessage(4, LogLevel.Warning, "Reconcile of {Kind} {Key} failed (retry {Retries}): {Error}")]
        public static partial void ReconcileFailed(ILogger logger, string kind, string key, string? error, int retries);

        [LoggerMessage(5, LogLevel.Error, "Reconcile of {Kind} {Key} failed terminally: {Error}")]
        public static partial void ReconcileTerminal(ILogger logger, string kind, string key, string? error);

        [LoggerMessage(6, LogLevel.Warning, "Reconcile of {Kind} {Key} threw {ErrorType} (HTTP {StatusCode}): {Message} (retry {Retries})")]
        public static partial void ReconcileThrew(ILogger logger, string kind, string key, string errorType, int? statusCode, string message, int retries);
    }
}
