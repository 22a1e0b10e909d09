using System.Collections.Concurrent;
using Daalu.Gateway.Abstractions;

namespace Daalu.Router.Tests.Infrastructure;

/// <summary>Test fake of the gateway's IMeteringSink: keeps every CallRecord in memory (I1/I2 checks).</summary>
public sealed class FakeMeteringSink : IMeteringSink
{
    public ConcurrentQueue<CallRecord> Records { get; } = new();

    public ValueTask RecordAsync(CallRecord record, CancellationToken cancellationToken)
    {
        Records.Enqueue(record);
        return ValueTask.CompletedTask;
    }
}
