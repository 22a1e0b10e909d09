using BenchmarkDotNet.Attributes;
using Daalu.Gateway;
using Daalu.Gateway.Abstractions;

namespace Daalu.Bench.Micro;

/// <summary>The gateway's per-request work: authenticate the bearer key, reserve quota, settle it.</summary>
[MemoryDiagnoser]
public class Gateway
{
    private readonly TenantPlan _plan = new("acme", true, 1_000_000_000_000, 0, 0, 4096, 0.1m, 0.2m, 0, 0, false, false);
    private InMemoryQuotaGate _gate = null!;
    private HashedKeyAuthenticator _auth = null!;
    private string _key = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _gate = new InMemoryQuotaGate(TimeProvider.System);
        _key = "sk-daalu-" + new string('x', 40);
        _auth = new HashedKeyAuthenticator(
            Enumerable.Range(0, 1000).Select(i => new TenantKey($"tenant-{i}", false, $"sk-daalu-{i:D40}")).Append(new TenantKey("acme", false, _key)));
    }

    [Benchmark(Description = "HashedKeyAuthenticator.Authenticate (1,001 keys)")]
    public TenantIdentity? Authenticate() => _auth.Authenticate(_key);

    [Benchmark(Description = "InMemoryQuotaGate reserve + settle")]
    public async ValueTask ReserveSettle()
    {
        var admission = await _gate.ReserveAsync(_plan, 600, CancellationToken.None);
        await _gate.SettleAsync(admission.Reservation!, 420, CancellationToken.None);
    }
}
