using System.Collections.Concurrent;
using Daalu.Gateway.Abstractions;

namespace Daalu.Router.Tests.Infrastructure;

/// <summary>Test fake of the gateway's IQuotaGate: admits or refuses on command and tracks reservations so tests can check I3 (nothing leaked).</summary>
public sealed class FakeQuotaGate : IQuotaGate
{
    private readonly ConcurrentDictionary<string, Reservation> _open = new();
    private int _seq;

    /// <summary>When set, every reservation is refused with this reason.</summary>
    public string? RefuseWith { get; set; }

    public ConcurrentQueue<(Reservation Reservation, long Actual)> Settled { get; } = new();

    public ConcurrentQueue<Reservation> Released { get; } = new();

    private int _reserves;

    public int Reserves => Volatile.Read(ref _reserves);

    /// <summary>Tokens currently reserved and neither settled nor released.</summary>
    public long Outstanding => _open.Values.Sum(r => r.Tokens);

    public ValueTask<Admission> ReserveAsync(TenantPlan plan, long tokens, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reserves);
        if (RefuseWith is { } reason)
        {
            return ValueTask.FromResult(Admission.Refuse(reason, $"Hosted pool refused: {reason}."));
        }

        var r = new Reservation(plan.Tenant, "r" + Interlocked.Increment(ref _seq), tokens, "2026-11", 0);
        _open[r.Id] = r;
        return ValueTask.FromResult(Admission.Admit(r));
    }

    public ValueTask SettleAsync(Reservation reservation, long actualTokens, CancellationToken cancellationToken)
    {
        if (_open.TryRemove(reservation.Id, out _))
        {
            Settled.Enqueue((reservation, actualTokens));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        if (_open.TryRemove(reservation.Id, out _))
        {
            Released.Enqueue(reservation);
        }

        return ValueTask.CompletedTask;
    }
}
