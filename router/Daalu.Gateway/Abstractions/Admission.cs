namespace Daalu.Gateway.Abstractions;

/// <summary>
/// The result of a hosted-tier admission. A refusal is a fall-through signal for the router
/// (reason QuotaExceeded, TokensPerMinute or RequestsPerMinute), not an error by itself.
/// </summary>
public readonly record struct Admission(Reservation? Reservation, string? RefusalReason, string? Message)
{
    /// <summary>Whether the call may run on the hosted tier.</summary>
    public bool Admitted => Reservation is not null;

    /// <summary>An admission holding <paramref name="reservation"/>.</summary>
    public static Admission Admit(Reservation reservation) => new(reservation, null, null);

    /// <summary>A refusal with its reason and a message for the client.</summary>
    public static Admission Refuse(string reason, string message) => new(null, reason, message);
}
