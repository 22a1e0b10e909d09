using Daalu.Gateway.Redis;
using Daalu.TestDoubles.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Daalu.Gateway.Tests;

/// <summary>
/// What the Redis gate tests share: a real redis-server per test class instance (absent: the tests skip with
/// <see cref="RedisServer.MissingReason"/>), a fake clock, a tenant name no other test uses, and gates that are
/// connected before a test uses them and disposed after it.
/// </summary>
public abstract class RedisGateTestBase : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 5, TimeSpan.Zero);

    private readonly List<RedisQuotaGate> _gates = [];

    protected FakeTimeProvider Time { get; } = new(Start);

    protected string Tenant { get; } = "t-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The running redis-server, or null where none is installed.</summary>
    protected RedisServer? Server { get; private set; }

    public async Task InitializeAsync()
    {
        if (RedisServer.Executable is not null)
        {
            Server = await RedisServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var gate in _gates)
        {
            await gate.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        DisposeMore();
    }

    /// <summary>What a test class holds besides Redis and its gates.</summary>
    protected virtual void DisposeMore()
    {
    }

    /// <summary>A gate on this class's Redis with <paramref name="options"/> (its RedisUrl is set here), connected.</summary>
    protected RedisQuotaGate ConnectedGate(GatewayOptions options, Func<string, string, long>? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RedisUrl = Server!.Url;
        var gate = new RedisQuotaGate(options, Time, NullLogger<RedisQuotaGate>.Instance, ledger);
        using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.True(gate.WaitUntilConnectedAsync(connect.Token).GetAwaiter().GetResult());
        _gates.Add(gate);
        return gate;
    }
}
