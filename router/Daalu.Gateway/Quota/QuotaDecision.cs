namespace Daalu.Gateway.Quota;

/// <summary>
/// The outcome of <see cref="QuotaMath.Decide"/>. In shadow mode <see cref="Admit"/> is always true and
/// <see cref="Reason"/> still names the limit that would have refused, so the refusal can be measured.
/// </summary>
public readonly record struct QuotaDecision(bool Admit, string? Reason, string? Message)
{
    /// <summary>True when shadow mode admitted a call a normal plan would have refused.</summary>
    public bool Shadowed => Admit && Reason is not null;
}
