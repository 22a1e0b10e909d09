using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>Keeps every formatted log line of an in-process router (to check what a failure logs).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>"Level Category: message" lines.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }
}
